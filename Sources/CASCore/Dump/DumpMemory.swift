/// A dump's memory by physical address, for the few things CAS reads from it (the s390x lowcore, the
/// VMCOREINFO note, `init_uts_ns`): the PT_LOAD segments of an ELF core, or the pages of a kdump file.
protocol DumpMemory {
    /// `count` bytes at physical address `physical`; nil when the dump does not hold them all.
    func bytes(atPhysical physical: UInt64, count: Int) throws(DumpError) -> [UInt8]?

    /// Visits the dump's memory in the order it is stored, as (physical address, bytes) pieces, until `body`
    /// returns false or `limit` bytes have been visited. Pieces lie within one contiguous physical range; a
    /// piece that continues the one before starts with its last ``BannerScanner/overlap`` bytes, so that
    /// text across the boundary is seen whole.
    func scan(limit: Int64, _ body: (UInt64, [UInt8]) throws(DumpError) -> Bool) throws(DumpError)
}

/// An ELF core's memory: its PT_LOAD segments by physical address (`p_paddr`).
struct ELFMemory: DumpMemory {
    static let pieceSize = 1 << 20

    let reader: DumpReader
    let segments: [ELFSegment]

    init(reader: DumpReader, segments: [ELFSegment]) {
        self.reader = reader
        self.segments = segments.filter { $0.type == ELFSegment.ptLoad && $0.filesz > 0 }
    }

    func bytes(atPhysical physical: UInt64, count: Int) throws(DumpError) -> [UInt8]? {
        for segment in segments where physical >= segment.paddr && physical - segment.paddr < segment.filesz {
            let into = physical - segment.paddr
            guard segment.filesz - into >= UInt64(count) else { return nil }
            let offset = segment.offset.addingReportingOverflow(into)
            guard !offset.overflow, offset.partialValue <= DumpReader.maxOffset else { return nil }
            let bytes = try reader.readUpTo(at: Int64(offset.partialValue), count: count)
            return bytes.count == count ? bytes : nil
        }
        return nil
    }

    func scan(limit: Int64, _ body: (UInt64, [UInt8]) throws(DumpError) -> Bool) throws(DumpError) {
        var seen: Int64 = 0
        for segment in segments where segment.offset <= DumpReader.maxOffset {
            var into: UInt64 = 0
            while into < segment.filesz, seen < limit {
                let step = min(UInt64(Self.pieceSize), segment.filesz - into, UInt64(limit - seen))
                let count = Int(min(step + UInt64(BannerScanner.overlap), segment.filesz - into))
                let bytes = try reader.readUpTo(at: Int64(segment.offset + into), count: count)
                if bytes.isEmpty { return }
                guard try body(segment.paddr &+ into, bytes) else { return }
                if bytes.count < count { return }
                seen += Int64(step)
                into += step
            }
        }
    }
}

/// A kdump-compressed dump's memory: its pages through the dumpable bitmap and the page descriptors.
struct KdumpMemory: DumpMemory {
    /// Descriptors read in one go while scanning.
    static let descriptorBatch = 4096

    let pages: KdumpPageReader

    func bytes(atPhysical physical: UInt64, count: Int) throws(DumpError) -> [UInt8]? {
        try pages.bytes(atPhysical: physical, count: count)
    }

    /// Pages in frame order. The descriptors needed for `limit` bytes are read first, then the page data,
    /// forwards only (a page stored at or before the last one read is the shared zero page, skipped), so
    /// that a dump streamed out of an archive is read in one pass. A page that does not decode is skipped;
    /// a decompressor that cannot be loaded stops the scan with its error.
    func scan(limit: Int64, _ body: (UInt64, [UInt8]) throws(DumpError) -> Bool) throws(DumpError) {
        let pageSize = pages.header.blockSize
        let wanted = Int(min(limit / Int64(pageSize), Int64(pages.dumpableLength) * 8))
        guard wanted > 0 else { return }
        var frames: [UInt64] = []
        var chunkStart: Int64 = 0
        while frames.count < wanted, chunkStart < pages.dumpableLength {
            let count = Int(min(Int64(DumpableBitmapIndex.readSize), pages.dumpableLength - chunkStart))
            let bitmap = try pages.reader.readUpTo(at: pages.dumpableStart + chunkStart, count: count)
            for (offset, byte) in bitmap.enumerated() where byte != 0 {
                for bit in 0..<8 where byte & (1 << bit) != 0 && frames.count < wanted {
                    frames.append(UInt64(chunkStart + Int64(offset)) * 8 + UInt64(bit))
                }
                if frames.count >= wanted { break }
            }
            if bitmap.count < count { break }
            chunkStart += Int64(count)
        }
        var descriptors: [KdumpPageReader.Descriptor] = []
        while descriptors.count < frames.count {
            let batch = min(Self.descriptorBatch, frames.count - descriptors.count)
            let bytes = try pages.reader.readUpTo(
                at: pages.descriptorsStart + Int64(descriptors.count * KdumpPageReader.descriptorSize),
                count: batch * KdumpPageReader.descriptorSize)
            let more = KdumpPageReader.descriptors(bytes, order: pages.header.order)
            descriptors += more
            if more.count < batch { break }
        }
        var lastOffset: UInt64?
        var previous: (pfn: UInt64, tail: ArraySlice<UInt8>)?
        for (pfn, descriptor) in zip(frames, descriptors) {
            if let lastOffset, descriptor.offset <= lastOffset { continue }
            lastOffset = descriptor.offset
            let page: [UInt8]
            do {
                page = try pages.decode(descriptor, pfn: pfn)
            } catch {
                // A missing decompressor or a failing read ends the scan; one bad page does not.
                if case .unsupported = error { throw error }
                if case .read = error { throw error }
                continue
            }
            let physical = pfn * UInt64(pageSize)
            var piece = page
            if let previous, previous.pfn &+ 1 == pfn {
                piece = Array(previous.tail) + page
            }
            previous = (pfn, page.suffix(BannerScanner.overlap))
            guard try body(physical - UInt64(piece.count - page.count), piece) else { return }
        }
    }
}

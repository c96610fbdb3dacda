/// Reads pages of a kdump-compressed dump by physical frame number: the dumpable (2nd) bitmap gives the
/// page's index among the stored pages, its `page_desc_t` (offset, size, flags, page_flags; 24 bytes)
/// gives where the page lies and how it is compressed (zlib, lzo, snappy or zstd; see ``PageCodec``).
///
/// Used to read `init_uts_ns` when the header's utsname is empty (QEMU writes only the machine), and the
/// VMCOREINFO note from memory when no header carries it (s390x).
struct KdumpPageReader {
    /// Largest dumpable-bitmap prefix counted to find a page (covers 2^31 pages).
    static let maxBitmapScan = 256 << 20
    static let descriptorSize = 24

    let reader: DumpReader
    let header: KdumpHeader
    /// Set bits before each bitmap chunk, counted once (shared by copies of this reader).
    private let index = DumpableBitmapIndex()

    init(reader: DumpReader, header: KdumpHeader) {
        self.reader = reader
        self.header = header
    }

    private var blockSize: Int64 { Int64(header.blockSize) }
    private var bitmapStart: Int64 { (1 + Int64(header.subHeaderSize)) * blockSize }
    private var bitmapLength: Int64 { Int64(header.bitmapBlocks) * blockSize }
    /// The dumpable bitmap is the second half of the bitmap blocks.
    var dumpableStart: Int64 { bitmapStart + bitmapLength / 2 }
    /// Bytes of the dumpable bitmap CAS reads at most.
    var dumpableLength: Int64 { min(bitmapLength / 2, Int64(Self.maxBitmapScan)) }
    var descriptorsStart: Int64 { bitmapStart + bitmapLength }

    /// The page at frame `pfn`; nil when it was not dumped. Throws when its descriptor or data cannot be read
    /// or do not decode (``PageCodecError`` as ``DumpError/corrupt(_:_:)``, a library that cannot be loaded as
    /// ``DumpError/unsupported(_:_:)``).
    func page(_ pfn: UInt64) throws(DumpError) -> [UInt8]? {
        guard pfn / 8 < UInt64(dumpableLength),
            let position = try index.position(of: pfn, in: self)
        else { return nil }
        return try page(descriptorAt: position, pfn: pfn)
    }

    /// The page whose descriptor is the `position`-th one (`pfn` only names it in errors).
    func page(descriptorAt position: Int64, pfn: UInt64) throws(DumpError) -> [UInt8] {
        let descriptor = try descriptor(at: position, pfn: pfn)
        return try decode(descriptor, pfn: pfn)
    }

    /// One `page_desc_t`: where the page's bytes are, how many, and its flags.
    struct Descriptor: Equatable {
        var offset: UInt64
        var size: UInt32
        var flags: UInt32
    }

    /// The `position`-th page descriptor.
    func descriptor(at position: Int64, pfn: UInt64) throws(DumpError) -> Descriptor {
        let bytes = try reader.read(
            at: descriptorsStart + position * Int64(Self.descriptorSize), count: Self.descriptorSize,
            what: "page descriptor of frame \(pfn)")
        return Self.descriptors(bytes, order: header.order)[0]
    }

    /// The descriptors in `bytes` (a whole number of 24-byte entries).
    static func descriptors(_ bytes: [UInt8], order: ByteOrder) -> [Descriptor] {
        let data = HeaderBytes(bytes, order: order)
        return stride(from: 0, to: bytes.count - descriptorSize + 1, by: descriptorSize).map { at in
            Descriptor(offset: data.u64(at) ?? 0, size: data.u32(at + 8) ?? 0, flags: data.u32(at + 12) ?? 0)
        }
    }

    /// The page `descriptor` describes, read and decompressed.
    func decode(_ descriptor: Descriptor, pfn: UInt64) throws(DumpError) -> [UInt8] {
        let what = "page of frame \(pfn)"
        let region = try reader.region(
            offset: descriptor.offset, size: UInt64(descriptor.size), cap: 2 * header.blockSize, what: what)
        let data = try reader.read(at: region.offset, count: region.count, what: what)
        do {
            return try PageCodec(flags: descriptor.flags).decode(data, pageSize: header.blockSize)
        } catch .unavailable(let library, let reason, let package) {
            throw .unsupported(reader.name, "\(what): \(library) cannot be loaded (\(reason)); install \(package)")
        } catch {
            throw .corrupt(reader.name, "\(what): \(error.text)")
        }
    }

    /// `count` bytes at physical address `physical`, across a page boundary if needed; nil when a page
    /// they touch was not dumped.
    func bytes(atPhysical physical: UInt64, count: Int) throws(DumpError) -> [UInt8]? {
        let pageSize = UInt64(header.blockSize)
        var result: [UInt8] = []
        var address = physical
        while result.count < count {
            guard let page = try page(address / pageSize) else { return nil }
            let start = Int(address % pageSize)
            let take = min(count - result.count, header.blockSize - start)
            result += page[start..<start + take]
            address &+= UInt64(take)
        }
        return result
    }
}

/// The number of dumped pages before each 4 KiB chunk of the dumpable bitmap, counted on first need (in
/// 1 MiB reads) and kept, so that finding a page's descriptor reads at most one chunk of the bitmap
/// instead of counting the bitmap from its start on every call. 8 bytes per 32768 frames.
final class DumpableBitmapIndex {
    static let chunkSize = 4096
    static let readSize = 1 << 20

    /// `before[c]`: set bits in the chunks before chunk `c`.
    private var before: [Int64] = [0]
    /// The chunk read last (as far as a lookup needed), for consecutive lookups in one chunk.
    private var cached: (chunk: Int, bytes: [UInt8])?

    /// The index among the dumped pages of frame `pfn`, or nil when the bitmap says it was not dumped.
    func position(of pfn: UInt64, in pages: KdumpPageReader) throws(DumpError) -> Int64? {
        let byteIndex = Int(pfn / 8)
        let chunk = byteIndex / Self.chunkSize
        try count(upTo: chunk, in: pages)
        let inChunk = byteIndex - chunk * Self.chunkSize
        let bytes = try chunkBytes(chunk, through: inChunk, in: pages)
        guard inChunk < bytes.count else { return nil }
        let bit = UInt8(pfn % 8)
        guard bytes[inChunk] & (1 << bit) != 0 else { return nil }
        var position = before[chunk]
        for byte in bytes[..<inChunk] { position += Int64(byte.nonzeroBitCount) }
        return position + Int64((bytes[inChunk] & ((1 << bit) - 1)).nonzeroBitCount)
    }

    /// Extends `before` to chunk `chunk`, reading the bitmap in 1 MiB pieces.
    private func count(upTo chunk: Int, in pages: KdumpPageReader) throws(DumpError) {
        while before.count <= chunk {
            let from = (before.count - 1) * Self.chunkSize
            let wanted = min(
                Int64(Self.readSize), Int64(chunk * Self.chunkSize - from), pages.dumpableLength - Int64(from))
            guard wanted > 0 else { throw .corrupt(pages.reader.name, "dumpable bitmap shorter than its frames") }
            let bytes = try pages.reader.read(at: pages.dumpableStart + Int64(from), count: Int(wanted),
                                              what: "dumpable bitmap")
            var start = 0
            while start < bytes.count, before.count <= chunk {
                let end = min(bytes.count, start + Self.chunkSize)
                var bits: Int64 = 0
                for byte in bytes[start..<end] { bits += Int64(byte.nonzeroBitCount) }
                before.append(before[before.count - 1] + bits)
                start = end
            }
        }
    }

    /// The chunk's bytes at least through `inChunk` (read as far as needed, kept for the next lookup).
    private func chunkBytes(_ chunk: Int, through inChunk: Int, in pages: KdumpPageReader) throws(DumpError)
        -> [UInt8]
    {
        if let cached, cached.chunk == chunk, cached.bytes.count > inChunk { return cached.bytes }
        let from = Int64(chunk * Self.chunkSize)
        let count = Int(min(Int64(inChunk + 1), pages.dumpableLength - from))
        let bytes = try pages.reader.read(at: pages.dumpableStart + from, count: count, what: "dumpable bitmap")
        cached = (chunk, bytes)
        return bytes
    }
}

/// A kdump-compressed file's memory by physical address: the second (dumpable) bitmap says which pages
/// were written, the page descriptors after the bitmaps give each page's offset, size and compression.
/// Only uncompressed and zlib pages are read; others answer nil.
struct KdumpMemory: MemoryReader {
    let header: KdumpHeader
    let source: any ByteSource
    /// The bitmap is read at most this far (enough for the kernel image in low memory of any machine).
    static let maxBitmapRead = 16 << 20

    func read(virtual address: UInt64, count: Int) -> [UInt8]? { nil }

    func read(physical address: UInt64, count: Int) -> [UInt8]? {
        let page = UInt64(header.blockSize)
        guard page > 0, count > 0 else { return nil }
        var out: [UInt8] = []
        var position = address
        while out.count < count {
            let pfn = position / page
            let within = Int(position % page)
            guard let data = pageData(pfn: pfn) else { return nil }
            let take = min(count - out.count, data.count - within)
            guard take > 0 else { return nil }
            out += data[within..<within + take]
            position += UInt64(take)
        }
        return out
    }

    private func pageData(pfn: UInt64) -> [UInt8]? {
        let block = Int64(header.blockSize)
        guard pfn < header.maxMapnr, pfn / 8 < UInt64(Self.maxBitmapRead) else { return nil }
        let bitmapOffset = block * Int64(1 + header.subHeaderBlocks)
        let bitmapLength = Int64(header.bitmapBlocks) * block
        // Two bitmaps of equal size: valid pages, then dumpable pages.
        let dumpable = bitmapOffset + bitmapLength / 2
        let bytes = Int(pfn / 8) + 1
        guard let bits = try? source.read(at: dumpable, count: bytes), bits.count == bytes else { return nil }
        guard bits[bytes - 1] & (1 << UInt8(pfn % 8)) != 0 else { return nil }
        var index = 0
        for byte in bits.dropLast() { index += byte.nonzeroBitCount }
        index += (bits[bytes - 1] & ((1 << UInt8(pfn % 8)) - 1)).nonzeroBitCount
        let descriptors = block * Int64(1 + header.subHeaderBlocks + header.bitmapBlocks)
        guard let desc = try? source.read(at: descriptors + Int64(index) * 24, count: 24), desc.count == 24 else {
            return nil
        }
        let d = Bytes(desc, bigEndian: header.bigEndian)
        guard let offset = d.i64(0), let size = d.u32(8), let flags = d.u32(12), offset > 0,
            size > 0, Int(size) <= header.blockSize * 2,
            let raw = try? source.read(at: offset, count: Int(size)), raw.count == Int(size)
        else { return nil }
        if flags & 0x1 != 0 { return Zlib.uncompress(raw, capacity: header.blockSize) }
        return flags == 0 ? raw : nil
    }
}

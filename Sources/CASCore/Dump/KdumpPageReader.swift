/// Reads one page of a kdump-compressed dump by physical frame number: the dumpable bitmap gives the
/// page's index among the stored pages, its `page_desc_t` (offset, size, flags, page_flags; 24 bytes)
/// gives where the (possibly zlib-compressed) page lies.
///
/// Used only to read `init_uts_ns` when the header's utsname is empty (QEMU writes only the machine).
struct KdumpPageReader {
    /// Largest dumpable-bitmap prefix counted to find a page (covers 2^31 pages).
    static let maxBitmapScan = 256 << 20
    static let descriptorSize = 24
    static let zlibFlag: UInt32 = 0x1

    let reader: DumpReader
    let header: KdumpHeader

    private var blockSize: Int64 { Int64(header.blockSize) }
    private var bitmapStart: Int64 { (1 + Int64(header.subHeaderSize)) * blockSize }
    private var bitmapLength: Int64 { Int64(header.bitmapBlocks) * blockSize }
    private var descriptorsStart: Int64 { bitmapStart + bitmapLength }

    /// The page at frame `pfn`; nil when it was not dumped, is compressed other than with zlib, or does
    /// not decode.
    func page(_ pfn: UInt64) throws(DumpError) -> [UInt8]? {
        let dumpable = bitmapStart + bitmapLength / 2
        let byteIndex = Int64(pfn / 8)
        guard byteIndex < bitmapLength / 2, byteIndex < Self.maxBitmapScan else { return nil }
        var index: Int64 = 0
        var position: Int64 = 0
        while position < byteIndex {
            let count = Int(min(Int64(1 << 20), byteIndex - position))
            let chunk = try reader.read(at: dumpable + position, count: count, what: "dumpable bitmap")
            index += Int64(chunk.reduce(0) { $0 + $1.nonzeroBitCount })
            position += Int64(count)
        }
        let last = try reader.read(at: dumpable + byteIndex, count: 1, what: "dumpable bitmap")[0]
        let bit = UInt8(pfn % 8)
        guard last & (1 << bit) != 0 else { return nil }
        index += Int64((last & ((1 << bit) - 1)).nonzeroBitCount)
        let descriptor = HeaderBytes(
            try reader.read(
                at: descriptorsStart + index * Int64(Self.descriptorSize), count: Self.descriptorSize,
                what: "page descriptor"),
            order: header.order)
        guard let offset = descriptor.u64(0), let size = descriptor.u32(8), let flags = descriptor.u32(12) else {
            return nil
        }
        let region = try reader.region(
            offset: offset, size: UInt64(size), cap: 2 * header.blockSize, what: "page of frame \(pfn)")
        let data = try reader.read(at: region.offset, count: region.count, what: "page of frame \(pfn)")
        if flags == 0 { return data.count == header.blockSize ? data : nil }
        if flags & Self.zlibFlag != 0 { return ZlibPage.inflate(data, pageSize: header.blockSize) }
        return nil
    }

    /// `count` bytes at physical address `physical`, across a page boundary if needed.
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

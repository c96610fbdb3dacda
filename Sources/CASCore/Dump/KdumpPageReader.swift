/// Reads one page of a kdump-compressed dump by physical frame number: the dumpable bitmap gives the
/// page's index among the stored pages, its `page_desc_t` (offset, size, flags, page_flags; 24 bytes)
/// gives where the (possibly zlib-compressed) page lies.
///
/// Used to read `init_uts_ns` when the header's utsname is empty (QEMU writes only the machine), and by
/// ``KernelMemory`` for the kernel log. The number of dumped pages before each bitmap block is counted once
/// and kept (``KdumpBitmapIndex``), so reading many pages costs one pass over the bitmap, not one per page.
struct KdumpPageReader {
    /// Largest dumpable-bitmap prefix counted to find a page (covers 2^31 pages).
    static let maxBitmapScan = 256 << 20
    static let descriptorSize = 24
    static let zlibFlag: UInt32 = 0x1

    let reader: DumpReader
    let header: KdumpHeader
    private let index = KdumpBitmapIndex()

    init(reader: DumpReader, header: KdumpHeader) {
        self.reader = reader
        self.header = header
    }

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
        guard let (before, last) = try index.count(before: byteIndex, bitmapAt: dumpable, reader: reader) else {
            return nil
        }
        let bit = UInt8(pfn % 8)
        guard last & (1 << bit) != 0 else { return nil }
        let index = before + Int64((last & ((1 << bit) - 1)).nonzeroBitCount)
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

/// The dumpable bitmap's running counts: how many pages were dumped before each 4 KiB block of the bitmap,
/// filled as far as the furthest page asked for, and the last block read kept for neighbouring pages.
final class KdumpBitmapIndex {
    static let blockBytes: Int64 = 4096

    /// `cumulative[i]`: set bits in the bitmap's bytes before block `i`.
    private var cumulative: [Int64] = [0]
    private var cachedBlock: (number: Int64, bytes: [UInt8])?

    /// The set bits before bitmap byte `byteIndex`, and that byte; nil when the bitmap ends before it.
    func count(before byteIndex: Int64, bitmapAt start: Int64, reader: DumpReader) throws(DumpError)
        -> (Int64, UInt8)?
    {
        let block = byteIndex / Self.blockBytes
        while Int64(cumulative.count) <= block {
            let number = Int64(cumulative.count - 1)
            let bytes = try self.block(number, bitmapAt: start, reader: reader)
            cumulative.append(cumulative[cumulative.count - 1] + Int64(bytes.reduce(0) { $0 + $1.nonzeroBitCount }))
        }
        let bytes = try self.block(block, bitmapAt: start, reader: reader)
        let within = Int(byteIndex - block * Self.blockBytes)
        guard within < bytes.count else { return nil }
        let before = bytes[..<within].reduce(0) { $0 + $1.nonzeroBitCount }
        return (cumulative[Int(block)] + Int64(before), bytes[within])
    }

    private func block(_ number: Int64, bitmapAt start: Int64, reader: DumpReader) throws(DumpError) -> [UInt8] {
        if let cachedBlock, cachedBlock.number == number { return cachedBlock.bytes }
        let bytes = try reader.readUpTo(at: start + number * Self.blockBytes, count: Int(Self.blockBytes))
        cachedBlock = (number, bytes)
        return bytes
    }
}

import Foundation

/// Whether a dump holds all the data its own headers describe: a kdump file cut short, makedumpfile's
/// "incomplete" flag (the dump ran out of space), an ELF core whose segments run past the end of the file.
public struct DumpCompleteness: Sendable, Equatable, Codable {
    /// The size of the file.
    public var actualBytes: Int64
    /// The size the headers call for (end of the last page, or of the last segment); nil when not computable.
    public var expectedBytes: Int64?
    /// makedumpfile set DUMP_DH_COMPRESSED_INCOMPLETE: it could not write every page.
    public var incompleteFlag: Bool

    /// True when nothing is missing.
    public var complete: Bool { !incompleteFlag && missingBytes == 0 }

    /// How many bytes the headers describe beyond the end of the file.
    public var missingBytes: Int64 { max(0, (expectedBytes ?? actualBytes) - actualBytes) }

    /// `dump is truncated: 0.9 MiB of 2.1 MiB missing (42%)`, `makedumpfile marked the dump incomplete`, or nil.
    public var problem: String? {
        var parts: [String] = []
        if let expected = expectedBytes, missingBytes > 0 {
            let percent = Int((Double(missingBytes) * 100 / Double(max(1, expected))).rounded())
            parts.append(
                "dump is truncated: \(ByteCount.format(missingBytes)) of \(ByteCount.format(expected)) "
                    + "missing (\(percent)%)")
        }
        if incompleteFlag {
            parts.append("makedumpfile marked the dump incomplete (it could not write every page, e.g. disk full)")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// Checks the kdump-compressed or ELF dump at `path`; nil for other formats or when the headers do not tell.
    public static func check(path: String) -> DumpCompleteness? {
        guard let source = try? FileByteSource(path: path), let size = source.size else { return nil }
        let reader = DumpReader(source: source, name: path)
        guard let magic = try? reader.readUpTo(at: 0, count: 8) else { return nil }
        if magic.starts(with: [0x7f, 0x45, 0x4c, 0x46]) { return try? elf(reader, size: size) }
        if magic == Array("KDUMP   ".utf8) || magic == Array("DISKDUMP".utf8) { return try? kdump(reader, size: size) }
        return nil
    }

    /// ELF: the end of the furthest segment with file data.
    static func elf(_ reader: DumpReader, size: Int64) throws(DumpError) -> DumpCompleteness? {
        let ident = try reader.read(at: 0, count: 16, what: "ELF identification")
        guard let headerSize = ELFHeader.headerSize(ident: ident),
            let header = ELFHeader.parse(try reader.read(at: 0, count: headerSize, what: "ELF header"))
        else { return nil }
        let segments = try DumpIdentifier.programHeaders(reader, header: header)
        var end: UInt64 = 0
        for segment in segments where segment.filesz > 0 && segment.offset <= DumpReader.maxOffset {
            end = max(end, segment.offset + min(segment.filesz, DumpReader.maxOffset))
        }
        return DumpCompleteness(actualBytes: size, expectedBytes: Int64(end), incompleteFlag: false)
    }

    /// kdump-compressed: the end of the last stored page (its `page_desc_t`), found by counting the dumpable
    /// bitmap; the header's incomplete flag.
    static func kdump(_ reader: DumpReader, size: Int64) throws(DumpError) -> DumpCompleteness? {
        let bytes = try reader.read(at: 0, count: KdumpHeader.readSize, what: "kdump header")
        guard let header = try? KdumpHeader.parse(bytes) else { return nil }
        let blockSize = Int64(header.blockSize)
        let bitmapStart = (1 + Int64(header.subHeaderSize)) * blockSize
        let bitmapLength = Int64(header.bitmapBlocks) * blockSize
        let descriptorsStart = bitmapStart + bitmapLength
        var result = DumpCompleteness(actualBytes: size, expectedBytes: nil, incompleteFlag: header.incomplete)
        guard bitmapLength / 2 <= Int64(KdumpPageReader.maxBitmapScan) else { return result }
        guard descriptorsStart <= size else {
            result.expectedBytes = descriptorsStart
            return result
        }
        var pages: Int64 = 0
        var position: Int64 = 0
        let dumpable = bitmapStart + bitmapLength / 2
        while position < bitmapLength / 2 {
            let count = Int(min(Int64(1 << 20), bitmapLength / 2 - position))
            let chunk = try reader.read(at: dumpable + position, count: count, what: "dumpable bitmap")
            pages += Int64(chunk.reduce(0) { $0 + $1.nonzeroBitCount })
            position += Int64(count)
        }
        guard pages > 0 else { return result }
        let size24 = Int64(KdumpPageReader.descriptorSize)
        let tableEnd = descriptorsStart + pages * size24
        guard tableEnd <= size else {
            // The descriptor table itself is cut: at least the rest of the table is missing, and the pages.
            result.expectedBytes = tableEnd
            return result
        }
        // Pages are not stored in descriptor order: the end is the furthest `offset + size` of all of them.
        guard pages <= maxDescriptors else { return result }
        var end = tableEnd
        var index: Int64 = 0
        while index < pages {
            let count = min(pages - index, Int64(1 << 16))
            let chunk = try reader.read(
                at: descriptorsStart + index * size24, count: Int(count * size24), what: "page descriptors")
            let table = HeaderBytes(chunk, order: header.order)
            for entry in 0..<Int(count) {
                guard let offset = table.u64(entry * Int(size24)), let length = table.u32(entry * Int(size24) + 8),
                    offset <= DumpReader.maxOffset
                else { continue }
                end = max(end, Int64(offset) + Int64(length))
            }
            index += count
        }
        result.expectedBytes = end
        return result
    }

    /// Page descriptor tables longer than this (24 bytes each: 192 MiB) are not read through; only the
    /// table's own end is checked.
    static let maxDescriptors: Int64 = 8 << 20
}

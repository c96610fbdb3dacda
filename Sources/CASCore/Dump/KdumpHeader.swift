import Foundation

/// makedumpfile's `disk_dump_header` and `kdump_sub_header` (kdump-compressed and diskdump files),
/// laid out in the dumping machine's byte order and word size (makedumpfile IMPLEMENTATION).
struct KdumpHeader {
    static let utsFieldLength = 65
    static let utsOffset = 12

    var headerVersion: Int
    var bigEndian: Bool
    var is64: Bool
    var sysname = "", nodename = "", release = "", version = "", machine = ""
    var timestamp: Int64 = 0
    var status: UInt32 = 0
    var blockSize: Int = 0
    var subHeaderBlocks: Int = 0
    var bitmapBlocks: Int = 0
    var maxMapnr: UInt64 = 0
    var dumpLevel: Int?
    var vmcoreinfoOffset: Int64?
    var vmcoreinfoSize: Int64?
    var noteOffset: Int64?
    var noteSize: Int64?

    /// Page compression named by the status flags.
    var pageCompression: String? {
        if status & 0x20 != 0 { return "zstd" }
        if status & 0x4 != 0 { return "snappy" }
        if status & 0x2 != 0 { return "lzo" }
        if status & 0x1 != 0 { return "zlib" }
        return nil
    }

    /// True when makedumpfile flagged the dump as incomplete (it ran out of space while writing).
    var incomplete: Bool { status & 0x8 != 0 }

    /// Parses the main header from the first bytes of the file (at least 464).
    init(_ data: [UInt8], name: String) throws(DumpError) {
        guard data.count >= 464 else { throw .truncated(name, "the file ends inside the kdump header") }
        let little = Bytes(data).i32(8) ?? 0
        let big = Bytes(data, bigEndian: true).i32(8) ?? 0
        if (1...64).contains(little) {
            bigEndian = false
            headerVersion = Int(little)
        } else if (1...64).contains(big) {
            bigEndian = true
            headerVersion = Int(big)
        } else {
            throw .corrupt(name, "kdump header version \(little) is not one makedumpfile writes")
        }
        let b = Bytes(data, bigEndian: bigEndian)
        let field = Self.utsFieldLength
        sysname = b.cString(Self.utsOffset, length: field) ?? ""
        nodename = b.cString(Self.utsOffset + field, length: field) ?? ""
        release = b.cString(Self.utsOffset + 2 * field, length: field) ?? ""
        version = b.cString(Self.utsOffset + 3 * field, length: field) ?? ""
        machine = b.cString(Self.utsOffset + 4 * field, length: field) ?? ""
        // The utsname ends at 402; the timeval after it is aligned to the word size.
        let layouts: [Bool] = Architecture.is64Bit(machine).map { [$0, !$0] } ?? [true, false]
        var chosen: Bool?
        for wide in layouts {
            let base = wide ? 408 : 404
            let size = Int(b.i32(base + (wide ? 20 : 12)) ?? 0)
            if size >= 512, size <= 1 << 20, size & (size - 1) == 0 {
                chosen = wide
                break
            }
        }
        guard let wide = chosen else { throw .corrupt(name, "kdump header has no plausible block size") }
        is64 = wide
        let base = wide ? 408 : 404
        timestamp = (wide ? b.i64(base) : b.i32(base).map(Int64.init)) ?? 0
        let after = base + (wide ? 16 : 8)
        status = b.u32(after) ?? 0
        blockSize = Int(b.i32(after + 4) ?? 0)
        subHeaderBlocks = Int(b.i32(after + 8) ?? 0)
        bitmapBlocks = Int(b.u32(after + 12) ?? 0)
        maxMapnr = UInt64(b.u32(after + 16) ?? 0)
    }

    /// Reads the sub-header at `blockSize` (header version 1 and later).
    mutating func readSubHeader(_ source: any ByteSource, name: String) throws(DumpError) {
        let data = try source.readExactly(Int64(blockSize), 96, name: name, what: "kdump sub-header")
        let b = Bytes(data, bigEndian: bigEndian)
        if is64 {
            dumpLevel = b.i32(8).map(Int.init)
            if headerVersion >= 3 { (vmcoreinfoOffset, vmcoreinfoSize) = (b.i64(32), b.i64(40)) }
            if headerVersion >= 4 { (noteOffset, noteSize) = (b.i64(48), b.i64(56)) }
            if headerVersion >= 6, let mapnr = b.u64(80), mapnr > 0 { maxMapnr = mapnr }
        } else {
            dumpLevel = b.i32(4).map(Int.init)
            if headerVersion >= 3 {
                // i386 aligns the 64-bit off_t to 4 bytes, 32-bit ARM and others to 8: keep the one that
                // points at text that looks like VMCOREINFO.
                let packed = (b.i64(20), b.u32(28).map(Int64.init))
                let aligned = (b.i64(24), b.u32(32).map(Int64.init))
                (vmcoreinfoOffset, vmcoreinfoSize) = packed
                if let offset = aligned.0, let size = aligned.1, Self.looksLikeVMCoreInfo(source, offset, size),
                    !(packed.0.map { Self.looksLikeVMCoreInfo(source, $0, packed.1 ?? 0) } ?? false)
                {
                    (vmcoreinfoOffset, vmcoreinfoSize) = aligned
                }
            }
        }
        if let level = dumpLevel, !(0...31).contains(level) { dumpLevel = nil }
    }

    static func looksLikeVMCoreInfo(_ source: any ByteSource, _ offset: Int64, _ size: Int64) -> Bool {
        guard offset > 0, size > 10, let head = try? source.read(at: offset, count: 10) else { return false }
        return String(decoding: head, as: UTF8.self).hasPrefix("OSRELEASE=")
    }

    /// Reads the VMCOREINFO block the sub-header points at, checked against the file size.
    func vmcoreinfo(_ source: any ByteSource, name: String) throws(DumpError) -> [String: String] {
        if let offset = vmcoreinfoOffset, let size = vmcoreinfoSize, offset != 0 || size != 0 {
            let bytes = try checkedRead(source, offset, size, name: name, what: "VMCOREINFO")
            return VMCoreInfo.parse(bytes)
        }
        if let offset = noteOffset, let size = noteSize, offset > 0, size > 0 {
            let bytes = try checkedRead(source, offset, size, name: name, what: "ELF notes")
            if let note = ELFCore.parseNotes(bytes, bigEndian: bigEndian).first(where: { $0.name == "VMCOREINFO" }) {
                return VMCoreInfo.parse(note.desc)
            }
        }
        return [:]
    }

    private func checkedRead(_ source: any ByteSource, _ offset: Int64, _ size: Int64, name: String, what: String)
        throws(DumpError) -> [UInt8]
    {
        guard offset > 0, size > 0, size <= VMCoreInfo.maxSize else {
            throw .corrupt(name, "\(what) at offset \(offset) with size \(size)")
        }
        if let fileSize = source.size, offset > fileSize || size > fileSize - offset {
            throw .corrupt(name, "\(what) at offset \(offset) (\(size) bytes) lies past the end of the file (\(fileSize) bytes)")
        }
        return try source.readExactly(offset, Int(size), name: name, what: what)
    }
}

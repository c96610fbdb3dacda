/// makedumpfile's `struct kdump_sub_header`, at offset `block_size` of a kdump-compressed file.
///
/// Fields (64-bit machine): phys_base 0, dump_level 8, split 12, start_pfn 16, end_pfn 24,
/// offset_vmcoreinfo 32, size_vmcoreinfo 40 (header_version >= 3), offset_note 48, size_note 56 (>= 4),
/// offset_eraseinfo 64, size_eraseinfo 72 (>= 5), start_pfn_64 80, end_pfn_64 88, max_mapnr_64 96 (>= 6).
/// On 32-bit machines `long` is 4 bytes and `off_t` 8; i386 aligns those to 4 bytes (the packed layout),
/// the other 32-bit ABIs (arm, ppc, mips) to 8.
struct KdumpSubHeader: Equatable {
    /// Bytes to read for any layout.
    static let readSize = 104

    var dumpLevel: Int32
    var vmcoreinfo: (offset: UInt64, size: UInt64)?
    var notes: (offset: UInt64, size: UInt64)?

    static func == (lhs: KdumpSubHeader, rhs: KdumpSubHeader) -> Bool {
        lhs.dumpLevel == rhs.dumpLevel && lhs.vmcoreinfo?.offset == rhs.vmcoreinfo?.offset
            && lhs.vmcoreinfo?.size == rhs.vmcoreinfo?.size && lhs.notes?.offset == rhs.notes?.offset
            && lhs.notes?.size == rhs.notes?.size
    }

    /// Parses the sub-header of a dump whose main header is `header`.
    ///
    /// For 32-bit dumps both layouts are tried, packed (i386, libkdumpfile's reading) first; the one whose
    /// VMCOREINFO lies inside the sub-header blocks wins, else one whose VMCOREINFO is at least plausible.
    static func parse(_ bytes: [UInt8], header: KdumpHeader) -> KdumpSubHeader? {
        // Offsets of dump_level, offset_vmcoreinfo, size_vmcoreinfo, offset_note, size_note.
        let layouts: [[Int]] = header.wide ? [[8, 32, 40, 48, 56]] : [[4, 20, 28, 32, 40], [4, 24, 32, 40, 48]]
        let candidates = layouts.compactMap { parse(bytes, header: header, layout: $0) }
        let subHeaderEnd = (UInt64(header.subHeaderSize) + 1) * UInt64(header.blockSize)
        func inside(_ sub: KdumpSubHeader) -> Bool {
            guard let info = sub.vmcoreinfo else { return false }
            return info.offset >= UInt64(header.blockSize) && info.offset <= subHeaderEnd
                && info.size <= subHeaderEnd - info.offset
        }
        func plausible(_ sub: KdumpSubHeader) -> Bool {
            guard let info = sub.vmcoreinfo else { return false }
            return info.offset >= UInt64(header.blockSize) && info.offset <= DumpReader.maxOffset
                && info.size <= UInt64(VMCoreInfo.maxSize)
        }
        return candidates.first(where: inside) ?? candidates.first(where: plausible) ?? candidates.first
    }

    private static func parse(_ bytes: [UInt8], header: KdumpHeader, layout: [Int]) -> KdumpSubHeader? {
        let data = HeaderBytes(bytes, order: header.order)
        let wide = header.wide
        guard let dumpLevel = data.i32(layout[0]) else { return nil }
        var sub = KdumpSubHeader(dumpLevel: dumpLevel, vmcoreinfo: nil, notes: nil)
        if header.headerVersion >= 3, let offset = data.u64(layout[1]), let size = data.word(layout[2], wide: wide),
            size > 0
        {
            sub.vmcoreinfo = (offset, size)
        }
        if header.headerVersion >= 4, let offset = data.u64(layout[3]), let size = data.word(layout[4], wide: wide),
            size > 0
        {
            sub.notes = (offset, size)
        }
        return sub
    }
}

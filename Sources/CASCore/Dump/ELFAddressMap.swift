/// Maps a kernel virtual address to a file offset in an ELF core, through the PT_LOAD segments.
enum ELFAddressMap {
    /// The file offset of `length` bytes at virtual address `address`, or nil when no segment holds them.
    ///
    /// Tries the segments' virtual addresses first (kdump's /proc/vmcore sets them); dumps written by
    /// hypervisors (QEMU's dump-guest-memory) carry only physical addresses, reached through
    /// ``KernelAddress/physical(of:identity:)``.
    static func fileOffset(of address: UInt64, length: Int, segments: [ELFSegment], identity: KernelIdentity)
        -> Int64?
    {
        let loads = segments.filter { $0.type == ELFSegment.ptLoad }
        if let offset = lookup(address, length: length, in: loads, start: \.vaddr) { return offset }
        guard let physical = KernelAddress.physical(of: address, identity: identity) else { return nil }
        return lookup(physical, length: length, in: loads, start: \.paddr)
    }

    /// The file offset of `length` bytes at `address` (a virtual or physical address, as `start` says) in
    /// the PT_LOAD segment holding all of them.
    static func lookup(
        _ address: UInt64, length: Int, in loads: [ELFSegment], start: KeyPath<ELFSegment, UInt64>
    ) -> Int64? {
        for segment in loads where segment.type == ELFSegment.ptLoad && segment.filesz > 0 {
            let base = segment[keyPath: start]
            guard address >= base, address - base <= segment.filesz,
                segment.filesz - (address - base) >= UInt64(length)
            else { continue }
            let offset = segment.offset.addingReportingOverflow(address - base)
            guard !offset.overflow, offset.partialValue <= DumpReader.maxOffset else { return nil }
            return Int64(offset.partialValue)
        }
        return nil
    }
}

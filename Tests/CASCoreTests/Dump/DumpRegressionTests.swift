import Testing

@testable import CASCore

/// Inputs that once trapped (arithmetic overflow) in the parsers; each must now fail cleanly.
@Suite struct DumpRegressionTests {
    static func kdump32(_ patch: (inout ByteBuilder) -> Void) -> [UInt8] {
        var b = ByteBuilder()
        b.put(
            DumpBuilders.kdump(
                wide: false, uts: DumpBuilders.uts(release: "3.10", machine: "i686"), vmcoreinfo: "OSRELEASE=3.10\n"),
            at: 0)
        patch(&b)
        return b.bytes
    }

    /// sub_hdr_size 0xffffffff: `1 + sub_hdr_size` overflowed UInt32 in the 32-bit layout choice.
    @Test func maximalSubHeaderSize() throws {
        let dump = Self.kdump32 { $0.put(0xffff_ffff, width: 4, at: 420) }
        #expect(try identifyBytes(dump).release == "3.10")
    }

    /// offset_vmcoreinfo near 2^64: `offset + size` overflowed in the 32-bit layout choice.
    @Test func vmcoreinfoOffsetNearTheTopOfUInt64() {
        let dump = Self.kdump32 { b in
            b.put(UInt64.max - 10, width: 8, at: 4096 + 20)
            b.put(UInt64.max - 10, width: 8, at: 4096 + 24)
        }
        #expect(throws: DumpError.self) { try identifyBytes(dump) }
    }

    /// Two PT_NOTE segments of 2^63 bytes each: the running total overflowed.
    @Test func noteSegmentSizesThatOverflowTheirSum() {
        var b = ByteBuilder()
        let loads: [(vaddr: UInt64, paddr: UInt64, data: [UInt8])] = [(0, 0, [1]), (0, 0, [2])]
        b.put(DumpBuilders.elfCore(wide: true, bigEndian: false, machine: 62, notes: [], loads: loads), at: 0)
        for index in 1...2 {
            b.put(4, width: 4, at: 64 + index * 56)
            b.put(1 << 63, width: 8, at: 64 + index * 56 + 32)
        }
        #expect(throws: DumpError.self) { try identifyBytes(b.bytes) }
    }

    /// PN_XNUM with a section header table past the end of the file.
    @Test func extendedProgramHeaderCountPastTheEnd() {
        var b = ByteBuilder()
        b.put(DumpBuilders.elfCore(wide: true, bigEndian: false, machine: 62, notes: []), at: 0)
        b.put(0xffff, width: 2, at: 56)
        b.put(1 << 40, width: 8, at: 40)
        #expect(throws: DumpError.self) { try identifyBytes(b.bytes) }
    }

    /// A 32-bit ARM dump (8-byte aligned sub-header) whose VMCOREINFO lies after the sub-header blocks:
    /// the packed layout's reading is implausible, the aligned one is used.
    @Test func thirtyTwoBitAlignedLayoutOutsideTheSubHeaderBlocks() throws {
        var b = ByteBuilder()
        b.put(
            DumpBuilders.kdump(
                wide: false, uts: DumpBuilders.uts(release: "5.10-arm", machine: "armv7l"),
                vmcoreinfo: "OSRELEASE=5.10-arm\nPAGESIZE=4096\n"),
            at: 0)
        b.put(1, width: 4, at: 420)  // sub_hdr_size 1
        let identity = try identifyBytes(b.bytes)
        #expect(identity.vmcoreinfo["PAGESIZE"] == "4096")
    }
}

import Testing

@testable import CASCore

/// The architecture from every source, in order of trust, and what is said when they disagree.
@Suite struct ArchitectureSourcesTests {
    /// arm64's `arch_crash_save_vmcoreinfo` (arch/arm64/kernel/vmcore_info.c).
    static let arm64Info = """
        OSRELEASE=6.8.0-31-generic
        BUILD-ID=a1b2c3d4e5f60718293a4b5c6d7e8f9011223344
        PAGESIZE=65536
        NUMBER(VA_BITS)=52
        NUMBER(kimage_voffset)=0xffff9ffe00000000
        NUMBER(PHYS_OFFSET)=0x40000000
        NUMBER(TCR_EL1_T1SZ)=0xc
        KERNELOFFSET=0

        """

    /// QEMU's arm64 kdump: machine "Unknown", block size 65536; VMCOREINFO's arm64 keys name the architecture.
    @Test func arm64KdumpWithUnknownMachine() throws {
        let dump = DumpBuilders.kdump(
            uts: ["", "", "", "", "Unknown", ""], status: 0x1, blockSize: 65536, vmcoreinfo: Self.arm64Info)
        let identity = try identifyBytes(dump)
        #expect(identity.arch == "aarch64")
        #expect(identity.archSources.first?.source == "VMCOREINFO NUMBER(kimage_voffset)")
        #expect(!identity.archSources.contains { $0.source.hasPrefix("kdump header") }, "\"Unknown\" is no claim")
        #expect(identity.release == "6.8.0-31-generic")
        #expect(identity.buildId == "a1b2c3d4e5f60718293a4b5c6d7e8f9011223344")
        #expect(identity.pageSize == 65536)
        #expect(identity.conflicts.isEmpty, "\(identity.conflicts)")
    }

    /// The same through the flattened form.
    @Test func arm64Flattened() throws {
        let dump = DumpBuilders.kdump(
            uts: ["", "", "", "", "Unknown", ""], status: 0x1, blockSize: 65536, vmcoreinfo: Self.arm64Info)
        let identity = try identifyBytes(DumpBuilders.flattened(dump, chunk: 4096))
        #expect(identity.arch == "aarch64")
        #expect(identity.format == "flattened kdump-compressed v6")
    }

    /// ppc64le: EM_PPC64 little-endian; its VMCOREINFO keys agree.
    @Test func ppc64leELF() throws {
        let info = "OSRELEASE=5.14.0-427.el9.ppc64le\nNUMBER(RADIX_MMU)=1\nSYMBOL(mmu_psize_defs)=c000000002a1b2c8\n"
        let dump = DumpBuilders.elfCore(
            wide: true, bigEndian: false, machine: 21, notes: [("VMCOREINFO", 0, Array(info.utf8))])
        let identity = try identifyBytes(dump)
        #expect(identity.arch == "ppc64le")
        #expect(identity.archSources.map(\.arch) == ["ppc64le", "ppc64le", "ppc64le"])
        #expect(identity.archSources.map(\.source) == [
            "ELF e_machine 21 (ELF64, little-endian)", "VMCOREINFO NUMBER(RADIX_MMU)", "OSRELEASE suffix",
        ])
        #expect(identity.conflicts.isEmpty)
    }

    /// A big-endian ppc64 kdump whose header names no machine: VMCOREINFO plus the header's byte order.
    @Test func ppc64BigEndianFromVMCOREINFOAndByteOrder() throws {
        let dump = DumpBuilders.kdump(
            bigEndian: true, uts: ["", "", "", "", "", ""], vmcoreinfo: "OSRELEASE=4.18.0\nNUMBER(RADIX_MMU)=0\n")
        #expect(try identifyBytes(dump).arch == "ppc64")
    }

    /// ELF says x86_64, VMCOREINFO has arm64's keys and the release ends in .s390x: the ELF header wins and
    /// each disagreement is named.
    @Test func disagreeingSourcesAreNamed() throws {
        let info = "OSRELEASE=5.14.0-427.el9.s390x\nNUMBER(kimage_voffset)=0xffff800000000000\n"
        let dump = DumpBuilders.elfCore(
            wide: true, bigEndian: false, machine: 62, notes: [("VMCOREINFO", 0, Array(info.utf8))])
        let identity = try identifyBytes(dump)
        #expect(identity.arch == "x86_64")
        let elf = "ELF e_machine 62 (ELF64, little-endian) says x86_64 (used)"
        #expect(identity.conflicts == [
            "VMCOREINFO NUMBER(kimage_voffset) says aarch64, \(elf)", "OSRELEASE suffix says s390x, \(elf)",
        ])
    }

    /// A kdump header naming x86_64 in big-endian byte order with 64 KiB blocks and PAGESIZE 4096.
    @Test func headerByteOrderAndBlockSizeAreChecked() throws {
        let dump = DumpBuilders.kdump(
            bigEndian: true, uts: DumpBuilders.uts(release: "6.1.0", machine: "x86_64"), blockSize: 65536,
            vmcoreinfo: "OSRELEASE=6.1.0\nPAGESIZE=4096\nNUMBER(phys_base)=0\n")
        let identity = try identifyBytes(dump)
        #expect(identity.arch == "x86_64")
        #expect(identity.archSources.map(\.source) == ["kdump header utsname.machine", "VMCOREINFO NUMBER(phys_base)"])
        #expect(identity.conflicts == [
            "the kdump header is big-endian, but x86_64 is little-endian",
            "the kdump block_size is 65536, but VMCOREINFO PAGESIZE is 4096",
            "the kdump block_size 65536 is not a page size of x86_64",
        ])
    }

    /// Names that are not architectures (QEMU's "Unknown", empty) claim nothing; real ones are normalised.
    @Test func machineNames() {
        #expect(Architecture.known(machine: "Unknown") == nil)
        #expect(Architecture.known(machine: "") == nil)
        #expect(Architecture.known(machine: "arm64") == "aarch64")
        #expect(Architecture.known(machine: "s390x") == "s390x")
        #expect(Architecture.known(machine: "parisc64") == "parisc64", "an architecture CAS has no table for")
        #expect(Architecture.known(machine: "(none)") == nil)
        #expect(Architecture.fromRelease("6.1.0-13-arm64") == "aarch64")
        #expect(Architecture.fromRelease("5.15.0-91-generic") == nil)
        #expect(Architecture.fromRelease("6.5.6-300.fc39.x86_64") == "x86_64")
    }
}

import Foundation
import Testing

@testable import CASCore

@Suite struct ELFCoreTests {
    static func info(_ release: String, extra: String = "") -> [UInt8] {
        Array("OSRELEASE=\(release)\nBUILD-ID=ABCDEF0123456789ABCDEF0123456789ABCDEF01\nPAGESIZE=65536\n\(extra)".utf8)
    }

    static let prstatus: (name: String, type: UInt32, desc: [UInt8]) = ("CORE", 1, [UInt8](repeating: 7, count: 336))

    @Test(arguments: [
        (UInt16(22), true, true, "s390x"), (22, false, true, "s390"), (21, true, true, "ppc64"),
        (21, true, false, "ppc64le"), (3, false, false, "i386"), (62, true, false, "x86_64"),
        (183, true, false, "aarch64"), (40, false, false, "arm"), (243, true, false, "riscv64"),
        (243, false, false, "riscv32"), (258, true, false, "loongarch64"), (43, true, true, "sparc64"),
        (8, true, true, "mips64"),
    ])
    func archFromMachineClassAndOrder(_ machine: UInt16, _ wide: Bool, _ bigEndian: Bool, _ arch: String) throws {
        let core = DumpBuilders.elfCore(
            wide: wide, bigEndian: bigEndian, machine: machine,
            notes: [Self.prstatus, ("VMCOREINFO", 0, Self.info("6.8.0-test"))])
        let identity = try identifyBytes(core)
        #expect(identity.arch == arch)
        #expect(identity.release == "6.8.0-test")
        #expect(identity.buildId == "abcdef0123456789abcdef0123456789abcdef01")
        #expect(identity.pageSize == 65536)
        #expect(identity.format == "\(wide ? "ELF64" : "ELF32") core (\(bigEndian ? "big" : "little")-endian)")
    }

    @Test func vmcoreinfoFieldsAreRead() throws {
        let core = DumpBuilders.elfCore(
            wide: true, bigEndian: true, machine: 22,
            notes: [("VMCOREINFO", 0, Array(DumpBuilders.vmcoreinfo.utf8))])
        let identity = try identifyBytes(core)
        #expect(identity.release == "5.14.0-427.el9.s390x")
        #expect(identity.kernelOffset == 0x1a00_0000)
        #expect(identity.crashTime == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(identity.vmcoreinfo.count == 5)
        #expect(identity.vmcoreinfo["PAGESIZE"] == "4096")
    }

    /// QEMU-style core: no VMCOREINFO, the kernel banner in memory → found by the scan.
    @Test func noVmcoreinfoFallsBackToBannerInLoad() throws {
        var memory = [UInt8](repeating: 0xaa, count: 3 << 20)
        let banner = Array((DumpBuilders.banner + "\n").utf8)
        // Straddle the scanner's first chunk boundary.
        memory.replaceSubrange((1 << 20) - 40..<(1 << 20) - 40 + banner.count, with: banner)
        let core = DumpBuilders.elfCore(
            wide: true, bigEndian: false, machine: 62, notes: [("QEMU", 0, [1, 2, 3, 4])],
            loads: [(0, 0, memory)])
        let identity = try identifyBytes(core)
        #expect(identity.release == "4.18.0-80.el8.x86_64")
        #expect(identity.version == "#1 SMP Wed Mar 13 12:02:46 UTC 2019")
        #expect(identity.banner == DumpBuilders.banner)
        #expect(identity.vmcoreinfo.isEmpty)
        // A scan budget that stops before the banner finds nothing.
        #expect(throws: DumpError.self) { try identifyBytes(core, bufferSize: 1 << 19) }
    }

    /// `uname -v` and the node name come from `init_uts_ns`, located by its virtual address.
    @Test func initUTSNamespaceThroughVirtualAddress() throws {
        var memory = [UInt8](repeating: 0, count: 8192)
        for (index, field) in DumpBuilders.uts(release: "6.8.0-test", machine: "aarch64").enumerated() {
            memory.replaceSubrange(
                4096 + index * 65..<4096 + index * 65 + field.utf8.count, with: Array(field.utf8))
        }
        let extra = "SYMBOL(init_uts_ns)=ffff800081001000\nOFFSET(uts_namespace.name)=0\n"
        let core = DumpBuilders.elfCore(
            wide: true, bigEndian: false, machine: 183,
            notes: [("VMCOREINFO", 0, Self.info("6.8.0-test", extra: extra))],
            loads: [(0xffff_8000_8100_0000, 0x4000_0000, memory)])
        let identity = try identifyBytes(core, bufferSize: 0)
        #expect(identity.version == "#1 SMP Mon Jan 1 2024")
        #expect(identity.nodename == "testhost")
        #expect(identity.banner == nil)
    }

    @Test func notesSegmentPastTheEndIsTruncation() throws {
        var core = DumpBuilders.elfCore(
            wide: true, bigEndian: false, machine: 62, notes: [("VMCOREINFO", 0, Self.info("6.8.0-test"))])
        core.removeLast(10)
        #expect(throws: DumpError.self) { try identifyBytes(core) }
    }

    @Test func absurdProgramHeaderFieldsAreCorrupt() throws {
        var b = ByteBuilder()
        b.put(DumpBuilders.elfCore(wide: true, bigEndian: false, machine: 62, notes: []), at: 0)
        b.put(1 << 62, width: 8, at: 32)  // e_phoff
        #expect(throws: DumpError.self) { try identifyBytes(b.bytes) }
        b.put(64, width: 8, at: 32)
        b.put(3, width: 2, at: 54)  // e_phentsize below the ELF64 minimum
        #expect(throws: DumpError.self) { try identifyBytes(b.bytes) }
    }

    /// Xen's xc_core ELF form: no VMCOREINFO, a `.note.Xen` section → recognised, not supported.
    @Test func xenELFCoreIsUnsupported() {
        var b = ByteBuilder()
        b.put(DumpBuilders.elfCore(wide: true, bigEndian: false, machine: 62, notes: []), at: 0)
        let names = Array("\0.shstrtab\0.note.Xen\0".utf8)
        let namesAt = b.bytes.count
        b.put(names, at: namesAt)
        let shoff = namesAt + names.count
        b.put(UInt64(shoff), width: 8, at: 40)  // e_shoff
        b.put(64, width: 2, at: 58)  // e_shentsize
        b.put(3, width: 2, at: 60)  // e_shnum
        b.put(1, width: 2, at: 62)  // e_shstrndx
        b.grow(to: shoff + 3 * 64)
        b.put(1, width: 4, at: shoff + 64)  // section 1: .shstrtab
        b.put(3, width: 4, at: shoff + 64 + 4)
        b.put(UInt64(namesAt), width: 8, at: shoff + 64 + 24)
        b.put(UInt64(names.count), width: 8, at: shoff + 64 + 32)
        b.put(11, width: 4, at: shoff + 128)  // section 2: .note.Xen
        do {
            _ = try identifyBytes(b.bytes)
            Issue.record("identified")
        } catch {
            guard case .unsupported(_, let what) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(what.contains("Xen"))
        }
    }
}

import Foundation
import Testing

@testable import CASCore

@Suite struct KdumpHeaderTests {
    @Test func littleEndian64() throws {
        let dump = DumpBuilders.kdump(
            uts: DumpBuilders.uts(release: "5.14.0-427.el9.x86_64", machine: "x86_64"), timestamp: 1_700_000_123,
            status: 0x20, vmcoreinfo: DumpBuilders.vmcoreinfo)
        let identity = try identifyBytes(dump)
        #expect(identity.format == "kdump-compressed v6")
        #expect(identity.release == "5.14.0-427.el9.s390x", "VMCOREINFO's OSRELEASE wins over the utsname")
        #expect(identity.version == "#1 SMP Mon Jan 1 2024")
        #expect(identity.arch == "x86_64")
        #expect(identity.nodename == "testhost")
        #expect(identity.crashTime == Date(timeIntervalSince1970: 1_700_000_000), "CRASHTIME wins")
        #expect(identity.pageCompression == "zstd")
        #expect(identity.dumpLevel == 31)
        #expect(identity.headerVersion == 6)
        #expect(identity.buildId == "abcdef0123456789abcdef0123456789abcdef01")
    }

    @Test func bigEndianS390x() throws {
        let dump = DumpBuilders.kdump(
            bigEndian: true, uts: DumpBuilders.uts(release: "4.18.0-80.el8.s390x", machine: "s390x"),
            timestamp: 1_600_000_000, status: 0x2, dumpLevel: 17, vmcoreinfo: "OSRELEASE=4.18.0-80.el8.s390x\n")
        let identity = try identifyBytes(dump)
        #expect(identity.arch == "s390x")
        #expect(identity.release == "4.18.0-80.el8.s390x")
        #expect(identity.pageCompression == "lzo")
        #expect(identity.dumpLevel == 17)
        #expect(identity.crashTime == Date(timeIntervalSince1970: 1_600_000_000))
    }

    @Test(arguments: [("i686", true, "i386"), ("armv7l", false, "arm"), ("ppc", false, "ppc")])
    func thirtyTwoBitLayouts(_ machine: String, _ i386Layout: Bool, _ arch: String) throws {
        let dump = DumpBuilders.kdump(
            bigEndian: machine == "ppc", wide: false, i386Layout: i386Layout,
            uts: DumpBuilders.uts(release: "3.10.0-32bit", machine: machine), timestamp: 1_500_000_000, status: 0x4,
            dumpLevel: 1, vmcoreinfo: "OSRELEASE=3.10.0-32bit\nPAGESIZE=4096\n")
        let identity = try identifyBytes(dump)
        #expect(identity.arch == arch)
        #expect(identity.pageCompression == "snappy")
        #expect(identity.dumpLevel == 1)
        #expect(identity.vmcoreinfo["PAGESIZE"] == "4096")
        #expect(identity.crashTime == Date(timeIntervalSince1970: 1_500_000_000))
    }

    @Test func diskdumpSignature() throws {
        let dump = DumpBuilders.kdump(
            signature: "DISKDUMP", version: 2, wide: false,
            uts: DumpBuilders.uts(release: "2.6.9-42.ELsmp", machine: "i686"), vmcoreinfo: nil)
        let identity = try identifyBytes(dump, bufferSize: 0)
        #expect(identity.format == "diskdump v2")
        #expect(identity.release == "2.6.9-42.ELsmp")
        #expect(identity.arch == "i386")
        #expect(identity.dumpLevel == nil, "diskdump has no kdump sub-header")
    }

    /// A header without VMCOREINFO and without a release in its utsname: the banner scan finds it.
    @Test func noVmcoreinfoScansForBanner() throws {
        let tail =
            [UInt8](repeating: 0x55, count: 5000) + Array("Linux version %s (%s)\n".utf8)
            + Array((DumpBuilders.banner + "\n").utf8) + Array("OSRELEASE=4.18.0-80.el8.x86_64\n".utf8)
        let dump = DumpBuilders.kdump(
            version: 2, uts: ["Linux", "", "", "", "x86_64", ""], status: 0, vmcoreinfo: nil, tail: tail)
        let identity = try identifyBytes(dump)
        #expect(identity.release == "4.18.0-80.el8.x86_64")
        #expect(identity.version == "#1 SMP Wed Mar 13 12:02:46 UTC 2019")
        #expect(identity.banner == DumpBuilders.banner, "the placeholder banner is skipped")
        #expect(identity.vmcoreinfo.isEmpty)
        #expect(throws: DumpError.self) { try identifyBytes(dump, bufferSize: 4096) }
    }

    @Test func vmcoreinfoPastTheEnd() {
        let dump = DumpBuilders.kdump(
            uts: DumpBuilders.uts(release: "5.14.0", machine: "x86_64"), vmcoreinfo: "OSRELEASE=5.14.0\n",
            vmcoreinfoOffset: 1 << 40)
        #expect(throws: DumpError.self) { try identifyBytes(dump) }
        do { _ = try identifyBytes(dump) } catch {
            guard case .truncated = error else {
                Issue.record("\(error)")
                return
            }
            #expect(error.description.contains("VMCOREINFO"))
        }
    }

    @Test func hugeVmcoreinfoSizeIsCorrupt() {
        for size: UInt64 in [1 << 62, UInt64.max, 1 << 21] {
            let dump = DumpBuilders.kdump(
                uts: DumpBuilders.uts(release: "5.14.0", machine: "x86_64"), vmcoreinfo: "OSRELEASE=5.14.0\n",
                vmcoreinfoSize: size)
            do {
                _ = try identifyBytes(dump)
                Issue.record("size \(size) accepted")
            } catch {
                guard case .corrupt = error else {
                    Issue.record("size \(size): \(error)")
                    continue
                }
            }
        }
    }

    @Test func subHeaderPastTheEnd() {
        var dump = DumpBuilders.kdump(uts: DumpBuilders.uts(release: "5.14.0", machine: "x86_64"), vmcoreinfo: nil)
        var b = ByteBuilder()
        b.put(dump, at: 0)
        b.put(1 << 20, width: 4, at: 428)  // block_size 1 MiB: sub-header past the end
        dump = b.bytes
        #expect(throws: DumpError.self) { try identifyBytes(dump) }
    }

    @Test func impossibleHeaderValuesAreCorrupt() {
        var b = ByteBuilder()
        b.put(DumpBuilders.kdump(uts: DumpBuilders.uts(release: "5.14.0", machine: "x86_64"), vmcoreinfo: nil), at: 0)
        b.put(0x1234_5678, width: 4, at: 8)
        #expect(throws: KdumpHeaderProblem.version(0x1234_5678)) { try KdumpHeader.parse(b.bytes) }
        b.put(6, width: 4, at: 8)
        b.put(3000, width: 4, at: 428)
        #expect(throws: KdumpHeaderProblem.blockSize(3000)) { try KdumpHeader.parse(b.bytes) }
    }

    @Test func incompleteFlagIsShown() throws {
        let dump = DumpBuilders.kdump(
            uts: DumpBuilders.uts(release: "5.14.0", machine: "x86_64"), status: 0x9, vmcoreinfo: "OSRELEASE=5.14.0\n")
        let identity = try identifyBytes(dump)
        #expect(identity.format == "kdump-compressed v6 (incomplete)")
        #expect(identity.pageCompression == "zlib")
    }
}

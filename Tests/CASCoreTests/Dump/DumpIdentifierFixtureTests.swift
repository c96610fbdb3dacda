import CASCore
import CASTestSupport
import Foundation
import Testing

/// The real QEMU/makedumpfile dumps of one kernel, in the four formats.
@Suite struct DumpIdentifierFixtureTests {
    @Test(arguments: DumpFixtures.dumps)
    func identifiesRealDump(_ name: String) async throws {
        let path = try Fixtures.path(name)
        let identity = try DumpIdentifier.identify(FileByteSource(path: path), name: name, bufferSize: 64 << 20)
        #expect(identity.release == DumpFixtures.release)
        #expect(identity.version == DumpFixtures.version)
        #expect(identity.arch == "x86_64")
        #expect(identity.buildId == DumpFixtures.buildId)
        #expect(identity.pageSize == 4096)
        #expect(identity.kernelOffset == 0)
        #expect(identity.vmcoreinfo["OSRELEASE"] == DumpFixtures.release)
        #expect(identity.vmcoreinfo["SYMBOL(init_uts_ns)"] == "ffffffff818985e0")
        #expect(identity.crashTime == nil, "QEMU-made dumps record no time")
        switch name {
        case "vmcore.elf":
            #expect(identity.format == "ELF64 core (little-endian)")
            #expect(identity.nodename == "(none)")
            #expect(identity.headerVersion == nil)
        case "vmcore.kdump-zlib":
            // QEMU writes its kdump output in the flattened form; version comes from init_uts_ns in a zlib page.
            #expect(identity.format == "flattened kdump-compressed v6")
            #expect(identity.pageCompression == "zlib")
            #expect(identity.headerVersion == 6)
        case "vmcore.kdump-d31":
            #expect(identity.format == "kdump-compressed v6")
            #expect(identity.dumpLevel == 31)
            #expect(identity.pageCompression == nil)
        default:
            #expect(identity.format == "flattened kdump-compressed v6")
            #expect(identity.dumpLevel == 31)
        }
    }

    /// `crash --osrelease` (what users run today) agrees with us on every fixture.
    @Test(arguments: DumpFixtures.dumps)
    func agreesWithCrashOsrelease(_ name: String) async throws {
        let crash = ["/usr/bin/crash", "/usr/local/bin/crash"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        guard let crash else {
            print("skipped: crash is not installed")
            return
        }
        let path = try Fixtures.path(name)
        let result = try await Command(crash, ["--osrelease", path], timeout: .seconds(120)).run()
        #expect(result.succeeded, "crash --osrelease \(name): \(result.lastLines())")
        let ours = try DumpIdentifier.identify(FileByteSource(path: path), name: name, bufferSize: 64 << 20)
        #expect(result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == ours.release)
    }

    /// The header path reads a few KiB, not the dump: the ELF fixture identifies with a 0-byte scan budget.
    @Test func realDumpsNeedNoBannerScan() async throws {
        for name in DumpFixtures.dumps {
            let path = try Fixtures.path(name)
            let identity = try DumpIdentifier.identify(FileByteSource(path: path), name: name, bufferSize: 0)
            #expect(identity.version == DumpFixtures.version, "\(name)")
            #expect(identity.banner == nil, "\(name) should not have been scanned")
        }
    }

    /// Every prefix of the real kdump up to the end of its VMCOREINFO fails cleanly; the full headers succeed.
    @Test func truncatedRealKdumpFailsCleanly() async throws {
        let path = try Fixtures.path("vmcore.kdump-d31")
        let headers = try FileByteSource(path: path).read(at: 0, count: 0x13b0 + 0xc6c)
        for length in [0, 1, 8, 100, 463, 464, 4096, 4100, 4199, 4200, 0x13b0, headers.count - 1] {
            #expect(throws: DumpError.self, "prefix \(length)") {
                try identifyBytes(Array(headers.prefix(length)), bufferSize: 0)
            }
        }
        #expect(try identifyBytes(headers, bufferSize: 0).release == DumpFixtures.release)
    }
}

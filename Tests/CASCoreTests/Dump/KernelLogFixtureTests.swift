import CASTestSupport
import Foundation
import Testing

@testable import CASCore

/// The kernel log of the real dumps, compared line by line with what `makedumpfile --dump-dmesg` and
/// crash's `log` print for them.
@Suite struct KernelLogFixtureTests {
    static func log(_ path: String) throws -> KernelLog {
        let source = try FileByteSource(path: path)
        let identity = try DumpIdentifier.identify(source, name: path, bufferSize: 64 << 20)
        return try KernelLogReader.read(source, name: path, identity: identity)
    }

    /// `makedumpfile --dump-dmesg DUMP OUT`'s text, or nil when it refuses the dump.
    static func makedumpfile(_ dump: String) async throws -> String? {
        let out = dump + ".makedumpfile-dmesg"
        try? FileManager.default.removeItem(atPath: out)
        let result = try await Command("makedumpfile", ["--dump-dmesg", dump, out], timeout: .seconds(60)).run()
        guard result.succeeded else { return nil }
        return try String(contentsOfFile: out, encoding: .utf8)
    }

    /// What crash's `log` prints for `dump` with `vmlinux`.
    static func crashLog(vmlinux: String, dump: String) async throws -> String {
        let input = dump + ".crash-in"
        try "log\nexit\n".write(toFile: input, atomically: true, encoding: .utf8)
        let result = try await Command(
            "crash", ["-s", "-i", input, vmlinux, dump], timeout: .seconds(300), output: .capture(limit: 16 << 20)
        ).run()
        #expect(result.succeeded, "\(result.summary)")
        return result.standardOutput
    }

    /// All four formats give the same log, the one makedumpfile prints where it reads the format (the
    /// kdump-d31 and QEMU ELF files; it refuses QEMU's flattened kdump-zlib and the flattened file).
    @Test func fourFormatsAgreeWithMakedumpfile() async throws {
        var texts: [String: String] = [:]
        for name in DumpFixtures.dumps {
            let log = try Self.log(try Fixtures.path(name))
            #expect(log.layout == "printk_ringbuffer")
            #expect(log.skipped == 0, "\(name)")
            #expect(log.records.first.map { String(decoding: $0.text, as: UTF8.self) }?.hasPrefix("Linux version 6.1.192-tiny-pidfix") == true)
            texts[name] = log.text
        }
        let reference = try #require(texts["vmcore.kdump-d31"])
        #expect(reference.contains("Kernel panic - not syncing: sysrq triggered crash"))
        for name in DumpFixtures.dumps {
            #expect(texts[name] == reference, "\(name) differs from vmcore.kdump-d31")
            if let theirs = try await Self.makedumpfile(try Fixtures.path(name)) {
                #expect(texts[name] == theirs, "\(name) differs from makedumpfile --dump-dmesg")
            } else {
                #expect(name == "vmcore.flat" || name == "vmcore.kdump-zlib", "makedumpfile refused \(name)")
            }
        }
    }

    /// Levels, facilities and callers of a real log: the banner at KERN_NOTICE from the kernel (facility 0).
    @Test func recordFields() async throws {
        let log = try Self.log(try Fixtures.path("vmcore.kdump-d31"))
        let banner = try #require(log.records.first)
        #expect(banner.level == 5)
        #expect(banner.facility == 0)
        #expect(banner.sequence == 0)
        #expect(banner.callerText == "T0")
        #expect(log.records.map(\.sequence) == (0..<UInt64(log.records.count)).map { $0 })
        #expect(log.records.allSatisfy { ($0.level ?? 9) <= 7 })
    }

    /// Every crash class: identical to makedumpfile, and the key line of the class is there.
    @Test(arguments: DumpFixtures.classes)
    func crashClassesAgreeWithMakedumpfile(_ name: String) async throws {
        let path = try Fixtures.path(name + ".kdump-d31", classes: true)
        let log = try Self.log(path)
        #expect(log.skipped == 0)
        let theirs = try #require(try await Self.makedumpfile(path))
        #expect(log.text == theirs)
        #expect(log.text.contains("Kernel panic - not syncing"))
    }

    /// crash's own `log` (8.0.2, with the debug vmlinux) prints the same lines: on the sysrq dump and on
    /// one crash class (crash takes seconds per dump, so not on all of them).
    @Test func agreesWithCrashLog() async throws {
        let dump = try Fixtures.path("vmcore.kdump-d31")
        let vmlinux = try Fixtures.path("vmlinux")
        #expect(try Self.log(dump).text == (try await Self.crashLog(vmlinux: vmlinux, dump: dump)))
        let oom = try Fixtures.path("oom.kdump-d31", classes: true)
        let classesVmlinux = try Fixtures.path("vmlinux", classes: true)
        #expect(try Self.log(oom).text == (try await Self.crashLog(vmlinux: classesVmlinux, dump: oom)))
    }
}

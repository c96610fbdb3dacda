import CASTestSupport
import Foundation
import Testing

/// `cas dmesg` end to end: the built binary on the real fixture dump, plain and inside archives.
@Suite struct DmesgCLITests {
    static var cas: String { IdentifyCLITests.binaries.appendingPathComponent("cas").path }

    /// A temporary directory with `vmcore` (the kdump-d31 fixture), `vmcore.elf`, and the kdump one in
    /// `vmcore.tar.gz`, `vmcore.zip` and `vmcore.xz`; made once for the suite.
    static let workspace: Result<String, Failure> = {
        let dir = NSTemporaryDirectory() + "cas-dmesg-cli-" + UUID().uuidString
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let script = """
                xz -dc "$1/vmcore.kdump-d31.xz" > vmcore && xz -dc "$1/vmcore.elf.xz" > vmcore.elf \
                && echo notes > notes.txt && tar czf vmcore.tar.gz notes.txt vmcore && zip -q vmcore.zip notes.txt vmcore \
                && xz -k vmcore && tar czf notes.tar.gz notes.txt
                """
            let result = try IdentifyCLITests.run("/bin/sh", ["-c", script, "sh", IdentifyCLITests.fixtures.path], in: dir)
            guard result.status == 0 else { return .failure(Failure(text: result.err)) }
            return .success(dir)
        } catch {
            return .failure(Failure(text: "\(error)"))
        }
    }()

    struct Failure: Error {
        var text: String
    }

    @Test func plainDumpPrintsTheLog() throws {
        let dir = try Self.workspace.get()
        let result = try IdentifyCLITests.run(Self.cas, ["dmesg", dir + "/vmcore"])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.err.isEmpty)
        let lines = result.out.split(separator: "\n")
        #expect(lines.first?.hasPrefix("[    0.000000] Linux version 6.1.192-tiny-pidfix") == true)
        #expect(result.out.contains("] Kernel panic - not syncing: sysrq triggered crash\n"))
        let elf = try IdentifyCLITests.run(Self.cas, ["dmesg", dir + "/vmcore.elf"])
        #expect(elf.out == result.out)
    }

    @Test(arguments: ["vmcore.tar.gz", "vmcore.zip", "vmcore.xz"])
    func compressedUploadsGiveTheSameLog(_ name: String) throws {
        let dir = try Self.workspace.get()
        let plain = try IdentifyCLITests.run(Self.cas, ["dmesg", dir + "/vmcore"])
        let packed = try IdentifyCLITests.run(Self.cas, ["dmesg", dir + "/" + name])
        #expect(packed.status == 0, "\(packed.err)")
        #expect(packed.out == plain.out)
    }

    @Test func jsonRecords() throws {
        let dir = try Self.workspace.get()
        let result = try IdentifyCLITests.run(Self.cas, ["dmesg", "--json", dir + "/vmcore.tar.gz"])
        #expect(result.status == 0, "\(result.err)")
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [[String: Any]])
        let dump = try #require(array.first)
        #expect(dump["member"] as? String == "vmcore")
        #expect(dump["layout"] as? String == "printk_ringbuffer")
        #expect(dump["skipped"] as? Int == 0)
        let records = try #require(dump["records"] as? [[String: Any]])
        let first = try #require(records.first)
        #expect(Set(first.keys) == ["sequence", "timestamp", "timestampNs", "level", "facility", "caller", "text"])
        #expect(first["level"] as? Int == 5)
        #expect(first["caller"] as? String == "T0")
        #expect((first["text"] as? String)?.hasPrefix("Linux version 6.1.192-tiny-pidfix") == true)
        #expect(records.contains { ($0["text"] as? String) == "Kernel panic - not syncing: sysrq triggered crash" })
    }

    @Test func failuresAreNamedAndTheWorstStatusWins() throws {
        let dir = try Self.workspace.get()
        let result = try IdentifyCLITests.run(
            Self.cas, ["dmesg", dir + "/vmcore", dir + "/notes.tar.gz", dir + "/missing"])
        #expect(result.status == 66)
        #expect(result.out.contains("==> \(dir)/vmcore <=="))
        #expect(result.err.contains("notes.tar.gz"))
        #expect(result.err.contains("missing: no such file"))
    }

    @Test func helpDocumentsTheCommand() throws {
        let result = try IdentifyCLITests.run(Self.cas, ["--help"])
        #expect(result.out.contains("dmesg"))
    }
}

import CASTestSupport
import Foundation
import Testing

/// `cas dmesg` end to end: the built binary on the real fixture dump, plain and inside archives.
@Suite struct DmesgCLITests {
    static var cas: String { BuiltBinary.path("cas") }

    /// A temporary directory with `vmcore` (the kdump-d31 fixture), `vmcore.elf`, and the kdump one in
    /// `vmcore.tar.gz`, `vmcore.zip` and `vmcore.xz`; made once for the suite.
    static let workspace: Result<String, TestFailure> = {
        do {
            let dir = try TemporaryDirectory.make("cas-dmesg-cli")
            let script = """
                cp "$1" vmcore && cp "$2" vmcore.elf \
                && echo notes > notes.txt && tar czf vmcore.tar.gz notes.txt vmcore && zip -q vmcore.zip notes.txt vmcore \
                && xz -k vmcore && tar czf notes.tar.gz notes.txt
                """
            let result = try TestTools.execute(
                "/bin/sh",
                ["-c", script, "sh", try Fixtures.path("vmcore.kdump-d31"), try Fixtures.path("vmcore.elf")], in: dir)
            guard result.status == 0 else { return .failure(TestFailure(result.stderr)) }
            return .success(dir)
        } catch {
            return .failure(TestFailure("\(error)"))
        }
    }()

    @Test func plainDumpPrintsTheLog() throws {
        let dir = try Self.workspace.get()
        let result = try TestTools.execute(Self.cas, ["dmesg", dir + "/vmcore"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("[    0.000000] Linux version 6.1.192-tiny-pidfix") == true)
        #expect(result.stdout.contains("] Kernel panic - not syncing: sysrq triggered crash\n"))
        let elf = try TestTools.execute(Self.cas, ["dmesg", dir + "/vmcore.elf"])
        #expect(elf.stdout == result.stdout)
    }

    @Test(arguments: ["vmcore.tar.gz", "vmcore.zip", "vmcore.xz"])
    func compressedUploadsGiveTheSameLog(_ name: String) throws {
        let dir = try Self.workspace.get()
        let plain = try TestTools.execute(Self.cas, ["dmesg", dir + "/vmcore"])
        let packed = try TestTools.execute(Self.cas, ["dmesg", dir + "/" + name])
        #expect(packed.status == 0, "\(packed.stderr)")
        #expect(packed.stdout == plain.stdout)
    }

    @Test func jsonRecords() throws {
        let dir = try Self.workspace.get()
        let result = try TestTools.execute(Self.cas, ["dmesg", "--json", dir + "/vmcore.tar.gz"])
        #expect(result.status == 0, "\(result.stderr)")
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
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
        let result = try TestTools.execute(
            Self.cas, ["dmesg", dir + "/vmcore", dir + "/notes.tar.gz", dir + "/missing"])
        #expect(result.status == 66)
        #expect(result.stdout.contains("==> \(dir)/vmcore <=="))
        #expect(result.stderr.contains("notes.tar.gz"))
        #expect(result.stderr.contains("missing: no such file"))
    }

    @Test func helpDocumentsTheCommand() throws {
        let result = try TestTools.execute(Self.cas, ["--help"])
        #expect(result.stdout.contains("dmesg"))
    }
}

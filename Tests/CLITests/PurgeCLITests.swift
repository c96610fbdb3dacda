import CASTestSupport
import Foundation
import Testing

@Suite("cas-admin purge")
struct PurgeCLITests {
    @Test func dryRunListsExactlyWhatTheRealRunRemoves() throws {
        let f = try PurgeCLIFixture()
        var old: [String] = []
        for index in 0..<6 { old.append(try f.job("C\(index % 3)", daysAgo: Double(100 + index))) }
        let young = try f.job("C0", daysAgo: 3)
        try Data().write(to: URL(fileURLWithPath: f.work + "/C2/NOPURGE"))

        let before = try FileManager.default.subpathsOfDirectory(atPath: f.work).sorted()
        let dry = try f.casAdmin(["purge", "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(try FileManager.default.subpathsOfDirectory(atPath: f.work).sorted() == before)
        let lines = dry.stdout.split(separator: "\n").map(String.init)
        let listed = lines.dropLast().map { String($0.split(separator: "\t")[0]) }
        #expect(Set(listed) == Set(old.filter { !$0.contains("/C2/") }))
        #expect(lines.last?.hasPrefix("would purge 4 jobs of 2 IDs, ") == true)
        #expect(lines.last?.hasSuffix("would be freed; kept 2 with NOPURGE") == true)

        let real = try f.casAdmin(["purge", "--verbose"])
        #expect(real.status == 0, "\(real.stderr)")
        // The same paths with the same sizes, and the same summary but for the tense.
        #expect(real.stdout.split(separator: "\n").dropLast() == dry.stdout.split(separator: "\n").dropLast())
        let dryTotal = dry.stdout.replacingOccurrences(of: "would purge", with: "purged")
            .replacingOccurrences(of: "would be freed", with: "freed")
        #expect(real.stdout == dryTotal)
        for path in listed { #expect(!f.exists(path)) }
        #expect(f.exists(young))
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.work + "/C2").count == 3)
    }

    @Test func flagFormWithDays() throws {
        let f = try PurgeCLIFixture()
        let twoDays = try f.job("F", daysAgo: 2)
        let today = try f.job("G", daysAgo: 0.1)
        let result = try f.casAdmin(["-p", "-d", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("purged 1 job of 1 ID, "))
        #expect(!f.exists(twoDays) && !f.exists(f.work + "/F"))
        #expect(f.exists(today))
    }

    @Test func flagFormTakesDryRunYesAndJSON() throws {
        let f = try PurgeCLIFixture()
        let old = try f.job("H", daysAgo: 200)
        let dry = try f.casAdmin(["-p", "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.hasSuffix("\n") && dry.stdout.contains("would purge 1 job of 1 ID, "))
        #expect(f.exists(old))
        let real = try f.casAdmin(["-p", "--yes", "--json"])
        #expect(real.status == 0, "\(real.stderr)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(real.stdout.utf8)) as? [String: Any], "\(real.stdout)")
        #expect((report["dryRun"] as? Bool) == false)
        #expect(!f.exists(old))
    }

    @Test func autoPurgeRunsBeforeEveryCommand() throws {
        let on = try PurgeCLIFixture(autoPurge: true)
        let stale = try on.job("A", daysAgo: 200)
        let result = try on.casAdmin(["list", "jobs"])
        #expect(!on.exists(stale))
        #expect(result.stderr.contains("cas-admin: autoPurge: purged 1 job of 1 ID, "))

        let off = try PurgeCLIFixture(autoPurge: false)
        let kept = try off.job("A", daysAgo: 200)
        _ = try off.casAdmin(["check"])
        #expect(off.exists(kept))
    }

    @Test func refusesTheRootDirectory() throws {
        let f = try PurgeCLIFixture(workDirectory: "/")
        let result = try f.casAdmin(["purge"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("refusing to purge: workDirectory '/' is the root directory"))
        #expect(result.stdout.isEmpty)
    }

    @Test func exitsCannotWriteWhenSomethingStays() throws {
        let f = try PurgeCLIFixture()
        let stuck = try f.job("S", daysAgo: 300)
        let gone = try f.job("T", daysAgo: 300)
        guard try TestTools.execute("/usr/bin/chattr", ["+i", stuck + "/sub/log"]).status == 0 else {
            print("skipped: chattr +i does not work on this file system")
            return
        }
        let result = try f.casAdmin(["purge"])
        #expect(result.status == 73)
        #expect(result.stderr.contains(stuck + "/sub/log: Operation not permitted"))
        #expect(result.stdout.contains("purged 1 job of 1 ID, "))
        #expect(result.stdout.contains("1 could not be removed completely"))
        #expect(!f.exists(gone) && f.exists(stuck + "/sub/log"))
    }

    @Test func jsonReport() throws {
        let f = try PurgeCLIFixture()
        let old = try f.job("J", daysAgo: 120)
        let result = try f.casAdmin(["purge", "--dry-run", "--json"])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let removed = object?["removed"] as? [[String: Any]]
        #expect(removed?.first?["path"] as? String == old)
        #expect(object?["dryRun"] as? Bool == true)
    }
}

@Suite("cas-admin purge on a terminal")
struct PurgeTerminalTests {
    /// Runs `cas-admin purge` on a pseudo-terminal (python's pty module) answering `answer`.
    func purgeOnTerminal(_ f: PurgeCLIFixture, answer: String) throws -> RunResult {
        let python = "/usr/bin/python3"
        guard FileManager.default.isExecutableFile(atPath: python) else { throw CocoaError(.fileNoSuchFile) }
        return try TestTools.execute(
            python,
            [
                "-c", "import pty, sys; sys.exit(pty.spawn(sys.argv[1:]) >> 8)",
                BuiltBinary.path("cas-admin"), "purge", "--config", f.config,
            ], stdin: answer, mergingStderr: true)
    }

    @Test func asksOnceAndKeepsEverythingOnNo() throws {
        let f = try PurgeCLIFixture()
        let old = try f.job("Q", daysAgo: 200)
        let result = try purgeOnTerminal(f, answer: "n\n")
        #expect(result.stdout.contains("remove 1 job (16.0 KiB)? [y/N]"), "\(result.stdout)")
        #expect(result.stdout.contains("purged 0 jobs of 0 IDs"))
        #expect(f.exists(old))
    }

    @Test func removesOnYes() throws {
        let f = try PurgeCLIFixture()
        let old = try f.job("Q", daysAgo: 200)
        let result = try purgeOnTerminal(f, answer: "y\n")
        #expect(result.stdout.components(separatedBy: "[y/N]").count == 2, "\(result.stdout)")
        #expect(result.stdout.contains("purged 1 job of 1 ID, 16.0 KiB freed"))
        #expect(!f.exists(old))
    }
}

@Suite("cas-admin purge at scale")
struct PurgeScaleTests {
    @Test func manyIDsUnderALowOpenFileLimit() throws {
        let prlimit = "/usr/bin/prlimit"
        guard FileManager.default.isExecutableFile(atPath: prlimit) else {
            print("skipped: needs prlimit (util-linux)")
            return
        }
        let f = try PurgeCLIFixture()
        for index in 0..<150 {
            let path = f.work + "/ID\(index)/" + PurgeCLIFixture.stamp(daysAgo: 200)
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        let result = try TestTools.execute(
            prlimit, ["--nofile=64", BuiltBinary.path("cas-admin"), "purge", "--config", f.config])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("purged 150 jobs of 150 IDs, "))
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.work).isEmpty)
    }
}

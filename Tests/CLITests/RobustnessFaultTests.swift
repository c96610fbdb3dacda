import CASCore
import Foundation
import Testing

/// Faults injected into real jobs (`make robustness`; set CAS_ROBUSTNESS=1): `kill -9` mid-step, a full disk,
/// a broken database, a broken `crash`.
@Suite(
    .serialized,
    .enabled(if: Robustness.enabled, "set CAS_ROBUSTNESS=1 (make robustness)"),
    .enabled(if: findExecutable("crash") != nil && findExecutable("rpmbuild") != nil, "needs crash and rpm"))
struct RobustnessFaultTests {
    /// After a kill: the next `cas-admin` run marks the job abandoned in `step`, and the next job of the ID works.
    func expectRecovery(_ base: String, _ caseId: String, killedIn step: JobRecord.State, dump: String) throws {
        let listed = try JobWorld.run("cas-admin", ["list", "jobs", "--json"], base: base)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stderr.contains("abandoned (its process died while \(step.rawValue))"), "\(listed.stderr)")
        let killed = try #require(Robustness.jobs(base, caseId: caseId).first)
        #expect(killed.state == .abandoned && killed.step == step.rawValue && killed.finishedAt != nil)
        // A second sweep changes nothing.
        let again = try JobWorld.run("cas-admin", ["list", "jobs"], base: base)
        #expect(!again.stderr.contains("abandoned ("))
        try Robustness.resetConfig(base)
        let next = try JobWorld.run("cas", ["-i", caseId, "-f", dump], base: base)
        #expect(next.status == 0, "\(next.stderr)")
        let rows = Robustness.jobs(base, caseId: caseId)
        #expect(rows.map(\.state) == [.done, .abandoned])
        let latest = try FileManager.default.destinationOfSymbolicLink(atPath: base + "/work/\(caseId)/latest")
        #expect(next.stdout.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("/" + latest))
    }

    @Test func killedWhileAnalysingIsAbandonedAndTheNextRunWorks() throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try Robustness.configure(base, "[advanced]\ncrash = \(try Robustness.slowCrash(base))")
        let job = try Robustness.Spawned("cas", ["-i", "k-analysing", "-f", fixtures + "/vmcore.flat"], base: base)
        let ready = base + "/crash-ready"
        #expect(Robustness.until { FileManager.default.fileExists(atPath: ready) }, "the slow crash started")
        #expect(Robustness.jobs(base, caseId: "k-analysing").first?.state == .analysing)
        _ = try job.kill9()
        #expect(job.process.terminationReason == .uncaughtSignal)
        if let pid = Int32(JobWorld.read(ready).trimmingCharacters(in: .whitespacesAndNewlines)) { kill(pid, SIGKILL) }
        try expectRecovery(base, "k-analysing", killedIn: .analysing, dump: fixtures + "/vmcore.flat")
    }

    @Test func killedWhileUnpackingIsAbandonedAndTheNextRunWorks() throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        // A slow upload: 3 GiB of zeros (gzip-compressed) ahead of the dump in a tar.
        try JobWorld.sh(
            "cd \"$0\" && head -c 3G /dev/zero | gzip -1 > zeros.gz && cp \"$1\" vmcore.flat && tar -cf slow.tar zeros.gz vmcore.flat",
            base, fixtures + "/vmcore.flat")
        let job = try Robustness.Spawned("cas", ["-i", "k-unpacking", "-f", base + "/slow.tar"], base: base)
        var seen = false
        #expect(Robustness.until {
            guard let row = Robustness.jobs(base, caseId: "k-unpacking").first else { return false }
            seen = row.state == .unpacking
            return !JobWorld.listing(row.directory).filter { $0.hasPrefix("zeros") }.isEmpty
        }, "the job started writing the upload")
        #expect(seen)
        _ = try job.kill9()
        try expectRecovery(base, "k-unpacking", killedIn: .unpacking, dump: fixtures + "/vmcore.flat")
    }

    @Test func aRunningJobIsNotAbandonedByTheSweep() throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try Robustness.configure(base, "[advanced]\ncrash = \(try Robustness.slowCrash(base))")
        let job = try Robustness.Spawned("cas", ["-i", "alive", "-f", fixtures + "/vmcore.flat"], base: base)
        #expect(Robustness.until { FileManager.default.fileExists(atPath: base + "/crash-ready") })
        let listed = try JobWorld.run("cas-admin", ["list", "jobs"], base: base)
        #expect(!listed.stderr.contains("abandoned"))
        #expect(Robustness.jobs(base, caseId: "alive").first?.state == .analysing)
        _ = try job.kill9()
        if let pid = Int32(JobWorld.read(base + "/crash-ready").trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGKILL)
        }
    }

    // MARK: a broken crash

    @Test(arguments: ["missing", "not-executable", "killed"])
    func aBrokenCrashFailsTheJobWithStatus70(_ how: String) throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let crash = base + "/bad-crash"
        switch how {
        case "not-executable": try "#!/bin/sh\nexit 0\n".write(toFile: crash, atomically: true, encoding: .utf8)
        case "killed":
            try "#!/bin/sh\nkill -9 $$\n".write(toFile: crash, atomically: true, encoding: .utf8)
            chmod(crash, 0o755)
        default: break
        }
        try Robustness.configure(base, "[advanced]\ncrash = \(crash)")
        let result = try JobWorld.run("cas", ["-i", "bad-\(how)", "-f", fixtures + "/vmcore.flat"], base: base)
        #expect(result.status == 70, "\(result.stderr)")
        let message = result.stderr.lowercased()
        switch how {
        case "missing": #expect(message.contains(crash.lowercased()) && message.contains("no such file"), "\(result.stderr)")
        case "not-executable": #expect(message.contains("permission denied") || message.contains("not executable"), "\(result.stderr)")
        default: #expect(message.contains("signal") || message.contains("killed"), "\(result.stderr)")
        }
        let row = try #require(Robustness.jobs(base, caseId: "bad-\(how)").first)
        #expect(row.state == .failed && row.step == "analysing")
    }

    // MARK: a broken database

    @Test(arguments: ["cas", "cas-admin"])
    func aCorruptDatabaseIsNamedAndExits78(_ tool: String) throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        for suffix in ["", "-wal", "-shm"] { unlink(base + "/cas.db" + suffix) }
        try Data(repeating: 0x5a, count: 8192).write(to: URL(fileURLWithPath: base + "/cas.db"))
        let arguments = tool == "cas" ? ["-i", "corrupt", "-f", fixtures + "/vmcore.flat"] : ["list", "jobs"]
        let result = try JobWorld.run(tool, arguments, base: base)
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderr.contains(base + "/cas.db"), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test func anUnreadableDatabaseIsNamedAndExits78() throws {
        let base = try JobWorld.tree(indexed: false)
        defer { try? FileManager.default.removeItem(atPath: base) }
        // A directory where the database should be: unreadable as a file, even for root.
        try FileManager.default.createDirectory(atPath: base + "/cas.db", withIntermediateDirectories: true)
        let result = try JobWorld.run("cas-admin", ["build"], base: base)
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderr.contains(base + "/cas.db"), "\(result.stderr)")
    }
}

import CASCore
import CASTestSupport
import Foundation
import Testing

/// Many `cas` and `cas-admin` processes on one tree at once (`make robustness`; set CAS_ROBUSTNESS=1).
@Suite(
    .serialized,
    .enabled(if: Robustness.enabled, "set CAS_ROBUSTNESS=1 (make robustness)"),
    .enabled(if: findExecutable("crash") != nil && findExecutable("rpmbuild") != nil, "needs crash and rpm"))
struct RobustnessConcurrencyTests {
    static let processes = 8

    @Test func eightJobsOnOneIDStartedTogetherAllFinish() throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let started = try (0..<Self.processes).map { _ in
            try Robustness.Spawned("cas", ["-i", "777", "-f", fixtures + "/vmcore.kdump-d31"], base: base)
        }
        let results = try started.map { try $0.wait() }
        for result in results {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stderr.contains("database is locked"))
        }
        let printed = Set(results.map { $0.stdout.trimmingCharacters(in: .whitespacesAndNewlines) })
        #expect(printed.count == Self.processes, "each job has its own directory")
        let directories = Robustness.jobDirectories(base, "777")
        #expect(Set(directories) == printed)
        let rows = Robustness.jobs(base, caseId: "777")
        #expect(rows.count == Self.processes)
        #expect(Set(rows.map(\.directory)) == printed, "one row per directory")
        #expect(rows.allSatisfy { $0.state == .done && $0.finishedAt != nil }, "\(rows.map(\.state))")
        #expect(Set(rows.compactMap(\.pid)).count == Self.processes)
        let latest = try FileManager.default.destinationOfSymbolicLink(atPath: base + "/work/777/latest")
        #expect(printed.contains(base + "/work/777/" + latest), "latest points at one of the jobs")
        // The newest directory name wins `latest`.
        let newest = directories.map { ($0 as NSString).lastPathComponent }.reduce(latest) {
            JobDirectory.isNewer($1, than: $0) ? $1 : $0
        }
        #expect(latest == newest)
        for directory in printed {
            #expect(JobWorld.read(directory + "/sys").contains("RELEASE: 6.1.192-tiny-pidfix"), "\(directory)")
        }
    }

    @Test func reindexingWhileJobsLookKernelsUpNeverLocksTheDatabase() throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let jobs = try (0..<4).map { i in
            try Robustness.Spawned("cas", ["-i", "reindex-\(i)", "-f", fixtures + "/vmcore.flat"], base: base)
        }
        // Full re-indexes (rewrite every package row) back to back while the jobs run.
        var builds: [RunResult] = []
        while jobs.contains(where: { $0.process.isRunningReliably }) || builds.count < 3 {
            builds.append(try Robustness.Spawned("cas-admin", ["build", "--full"], base: base).wait())
        }
        let results = try jobs.map { try $0.wait() }
        for output in results + builds {
            #expect(output.status == 0, "\(output.stderr)")
            #expect(!output.stderr.contains("locked"), "\(output.stderr)")
        }
        #expect(Robustness.jobs(base).allSatisfy { $0.state == .done && $0.buildId != nil })
        let kernels = try JobWorld.run("cas-admin", ["list", "kernels", "--json"], base: base)
        #expect(kernels.status == 0 && kernels.stdout.contains("6.1.192-tiny-pidfix"), "index intact after re-indexing")
    }

    @Test func twoJobsNeedingTheSameUncachedKernelExtractItOnce() throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        #expect(JobWorld.listing(base + "/debugs").filter { $0.hasSuffix("vmlinux") }.isEmpty, "cache starts empty")
        let started = try ["a", "b"].map { id in
            try Robustness.Spawned("cas", ["-i", "same-\(id)", "-f", fixtures + "/vmcore.elf"], base: base)
        }
        let results = try started.map { try $0.wait() }
        #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
        let logs = results.map { result in
            let job = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let id = ((job as NSString).deletingLastPathComponent as NSString).lastPathComponent
            return JobWorld.read(job + "/\(id).log")
        }
        let extracted = logs.filter { $0.contains("vmlinux extracted to") }.count
        let cached = logs.filter { $0.contains("vmlinux cached at") }.count
        #expect(extracted == 1 && cached == 1, "one job extracts, the other uses it: \(logs)")
        let entries = JobWorld.listing(base + "/debugs")
        #expect(entries.filter { $0.hasSuffix("/vmlinux") || $0 == "vmlinux" }.count == 1, "\(entries)")
        #expect(!entries.contains { $0.hasSuffix(".part") }, "no temporary left: \(entries)")
    }

    /// `cas-admin purge` with `purgeLimit = 0` (every job and cached kernel is old enough) while a job is
    /// analysing, stopped there by `CAS_FAULT_STOP` (see ``FaultPoint``): the running job and the cached
    /// kernel it uses are kept untouched, the finished job beside it is removed, and the running job finishes.
    @Test func purgeWhileAJobRunsKeepsItAndRemovesTheFinishedOne() throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let finished = try JobWorld.run("cas", ["-i", "purge-done", "-f", fixtures + "/vmcore.flat"], base: base)
        #expect(finished.status == 0, "\(finished.stderr)")
        let finishedDirectory = finished.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let job = try Robustness.Spawned(
            "cas", ["-i", "purge-running", "-f", fixtures + "/vmcore.flat"], base: base,
            environment: ["CAS_FAULT_STOP": "crash"])
        guard job.waitStopped() else {
            let output = try job.kill9()
            Issue.record("cas did not stop on entering analysing: \(output.stderr)")
            return
        }
        let running = try #require(Robustness.jobDirectories(base, "purge-running").first)
        let before = JobWorld.listing(running)
        let vmlinux = try #require(Robustness.jobs(base, caseId: "purge-running").first?.vmlinux)

        try Robustness.configure(base, "[maintenance]\npurgeLimit = 0")
        let purged = try JobWorld.run("cas-admin", ["purge", "--yes"], base: base)
        #expect(purged.status == 0, "\(purged.stderr)")
        #expect(purged.stdout.contains("purged 1 job of 1 ID"), "\(purged.stdout)")
        #expect(purged.stdout.contains("kept 1 running, 1 cached kernel in use"), "\(purged.stdout)")
        #expect(!FileManager.default.fileExists(atPath: finishedDirectory), "the finished job was purged")
        #expect(Robustness.jobs(base, caseId: "purge-done").isEmpty, "and its row")
        #expect(JobWorld.listing(running) == before, "the running job's directory is untouched")
        #expect(FileManager.default.fileExists(atPath: running + "/" + vmlinux), "its vmlinux is still cached")
        #expect(Robustness.jobs(base, caseId: "purge-running").first?.state == .crash)

        kill(job.process.processIdentifier, SIGCONT)
        let result = try job.wait()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Robustness.jobs(base, caseId: "purge-running").first?.state == .done)
        #expect(JobWorld.read(running + "/sys").contains("RELEASE: \(JobWorld.release)"))
    }
}

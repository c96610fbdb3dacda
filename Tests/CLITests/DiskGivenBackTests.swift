import CASCore
import CASTestSupport
import Foundation
import Testing

/// Disk given back (issue 25): a job that ends before crash runs removes its copy of the upload, retries leave
/// no duplicates, and purge never evicts the cached vmlinux a NOPURGE job's `crash` wrapper links to.
@Suite(.serialized, .enabled(if: findExecutable("crash") != nil && findExecutable("rpmbuild") != nil, "needs crash and rpm"))
struct DiskGivenBackTests {
    /// Allocated bytes under `path` (as du counts them), symlinks not followed.
    static func allocated(_ path: String) -> Int64 {
        var total: Int64 = 0
        var st = stat()
        if lstat(path, &st) == 0 { total += Int64(st.st_blocks) * 512 }
        for name in JobWorld.listing(path) where lstat(path + "/" + name, &st) == 0 { total += Int64(st.st_blocks) * 512 }
        return total
    }

    /// No debuginfo (exit 69, partial): the job keeps its log, job.json, findings and dmesg, and no copy of the
    /// 10 MB dump; a retry of the same upload for the same ID leaves none either, and the upload is untouched.
    @Test func aJobThatEndsBeforeCrashGivesBackItsCopyOfTheUpload() throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree(indexed: false)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let upload = base + "/vmcore.kdump-d31"
        try FileManager.default.copyItem(atPath: fixtures + "/vmcore.kdump-d31", toPath: upload)
        let before = try AttackWorld.Fingerprint(upload)
        for attempt in 1...2 {
            let result = try JobWorld.run("cas", ["-i", "given-1", "-f", upload], base: base)
            #expect(result.status == ExitStatus.noDebuginfo.rawValue, "attempt \(attempt): \(result.stderr)")
        }
        let jobs = Robustness.jobDirectories(base, "given-1")
        #expect(jobs.count == 2)
        for job in jobs {
            let files = JobWorld.listing(job)
            #expect(!files.contains(JobLayout.input), "\(job): \(files)")
            for name in [JobLayout.log(caseId: "given-1"), JobLayout.jobJSON, JobLayout.findings, JobLayout.dmesg] {
                #expect(files.contains(name), "\(name) kept")
            }
            #expect(Self.allocated(job) < 1 << 20, "\(job): \(Self.allocated(job)) bytes")
            let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: job + "/job.json"))) as? [String: Any]
            #expect((record?["inputRemoved"] as? [String: Any])?["complete"] as? Bool == true)
            #expect(record?["state"] as? String == "partial")
            #expect(JobWorld.read(job + "/given-1.log").contains("removed the job's copy of the upload (input/, "))
        }
        #expect(Self.allocated(base + "/work/given-1") < 2 << 20)
        #expect(try AttackWorld.Fingerprint(upload) == before, "the upload is never touched")

        // [maintenance] keepFailedInput = Yes keeps the copy.
        try Robustness.configure(base, "[maintenance]\nkeepFailedInput = Yes\n")
        let kept = try JobWorld.run("cas", ["-i", "given-2", "-f", upload], base: base)
        #expect(kept.status == ExitStatus.noDebuginfo.rawValue, "\(kept.stderr)")
        let job = try AttackWorld.job(base, "given-2")
        #expect(FileManager.default.fileExists(atPath: job + "/input/vmcore.kdump-d31"))
    }

    /// A NOPURGE job's vmlinux link points into the debugs cache: a purge over debugsLimit keeps that entry
    /// (the job's `crash` wrapper still finds its vmlinux), and evicts it once the job is no longer kept.
    @Test func purgeKeepsTheCacheEntryANopurgeJobLinksTo() throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree(extra: "[maintenance]\ndebugsLimit = 1K\n")
        defer { try? FileManager.default.removeItem(atPath: base) }
        let result = try JobWorld.run("cas", ["-i", "kept-1", "-f", fixtures + "/vmcore.kdump-d31"], base: base)
        #expect(result.status == 0, "\(result.stderr)")
        let job = try AttackWorld.job(base, "kept-1")
        let vmlinux = job + "/usr/lib/debug/lib/modules/\(JobWorld.release)/vmlinux"
        let target = try FileManager.default.destinationOfSymbolicLink(atPath: vmlinux)
        #expect(target.hasPrefix(base + "/debugs/"), "\(target)")
        try Data().write(to: URL(fileURLWithPath: job + "/" + JobLayout.noPurge))

        let purged = try JobWorld.run("cas-admin", ["purge"], base: base)
        #expect(purged.status == 0, "\(purged.stderr)")
        #expect(FileManager.default.fileExists(atPath: vmlinux), "the NOPURGE job's vmlinux was evicted: \(purged.stdout)")

        try FileManager.default.removeItem(atPath: job + "/" + JobLayout.noPurge)
        let again = try JobWorld.run("cas-admin", ["purge"], base: base)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!FileManager.default.fileExists(atPath: target), "over debugsLimit, an unheld entry goes: \(again.stdout)")
    }
}

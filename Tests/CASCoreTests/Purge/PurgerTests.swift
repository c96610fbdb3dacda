import Foundation
import Testing

@testable import CASCore

@Suite("Purger jobs")
struct PurgerTests {
    @Test func agesComeFromRecordThenNameThenMtime() throws {
        let f = try PurgeFixture()
        let old = PurgeFixture.stamp(daysAgo: 200)
        let young = PurgeFixture.stamp(daysAgo: 3)
        // The row wins over the name, the name over the mtime.
        let recordOld = try f.job("R1", young, mtimeDaysAgo: 1, recordDaysAgo: 120)
        let recordYoung = try f.job("R2", old, mtimeDaysAgo: 300, recordDaysAgo: 10)
        let nameOld = try f.job("N1", old, mtimeDaysAgo: 1)
        let nameYoung = try f.job("N2", young, mtimeDaysAgo: 300)
        let mtimeOld = try f.job("M1", "imported-by-hand", mtimeDaysAgo: 95)
        let mtimeYoung = try f.job("M2", "imported-by-hand", mtimeDaysAgo: 80)

        let plan = try f.purger().plan()
        let sources = Dictionary(uniqueKeysWithValues: plan.jobs.map { ($0.path, $0.ageSource) })
        #expect(sources == [recordOld: .record, nameOld: .name, mtimeOld: .mtime])

        let report = try f.purger().execute(plan, dryRun: false)
        #expect(report.complete)
        for gone in [recordOld, nameOld, mtimeOld] { #expect(!f.exists(gone)) }
        for kept in [recordYoung, nameYoung, mtimeYoung] { #expect(f.exists(kept)) }
        #expect(try f.store.job(directory: recordOld) == nil)
        #expect(try f.store.job(directory: recordYoung) != nil)
        #expect(report.summary.hasPrefix("purged 3 jobs of 3 IDs, "))
    }

    @Test func daysOptionOverridesPurgeLimit() throws {
        let f = try PurgeFixture()
        let job = try f.job("D", PurgeFixture.stamp(daysAgo: 5))
        #expect(try f.purger().plan().jobs.isEmpty)
        #expect(try f.purger(days: 4).plan().jobs.map(\.path) == [job])
    }

    @Test func noPurgeInJobOrIDKeepsIt() throws {
        let f = try PurgeFixture()
        let old = PurgeFixture.stamp(daysAgo: 400)
        let marked = try f.job("J", old, files: ["NOPURGE": "", "crash.out": "x"])
        let unmarked = try f.job("J", PurgeFixture.stamp(daysAgo: 300))
        let inMarkedID1 = try f.job("K", old)
        let inMarkedID2 = try f.job("K", PurgeFixture.stamp(daysAgo: 300))
        try f.write(f.work + "/K/NOPURGE", "")

        let report = try f.purge(dryRun: false)
        #expect(report.jobs.map(\.path) == [unmarked])
        #expect(report.keptNoPurge == 3)
        for kept in [marked, inMarkedID1, inMarkedID2, f.work + "/K/NOPURGE"] { #expect(f.exists(kept)) }
        #expect(report.summary.contains("kept 3 with NOPURGE"))
    }

    @Test func runningJobHoldingItsLockIsKept() throws {
        let f = try PurgeFixture()
        let running = try f.job("RUN", PurgeFixture.stamp(daysAgo: 200))
        let lock = try #require(try DirectoryLock(path: running, exclusive: true, wait: false))
        // flock locks belong to the open file description: the purge's own open conflicts even in this process.
        #expect(DirectoryLock.isHeld(running))
        let report = try f.purge(dryRun: false)
        #expect(report.removed.isEmpty)
        #expect(report.running == 1)
        #expect(report.summary.hasSuffix("kept 1 running"))
        #expect(f.exists(running + "/crash.out"))
        lock.unlock()
        let after = try f.purge(dryRun: false)
        #expect(after.jobs.map(\.path) == [running])
        #expect(!f.exists(running))
    }

    @Test func symlinksAreRemovedNeverFollowed() throws {
        let f = try PurgeFixture()
        try f.write(f.outside + "/precious/data", "keep me")
        let job = try f.job("S", PurgeFixture.stamp(daysAgo: 200))
        #expect(symlink(f.outside + "/precious", job + "/link-to-outside") == 0)
        #expect(symlink(f.outside + "/precious/data", job + "/file-link") == 0)
        // An ID that is a symlink to a directory outside, holding old-looking jobs, is not an ID.
        try f.write(f.outside + "/elsewhere/" + PurgeFixture.stamp(daysAgo: 300) + "/crash.out", "x")
        #expect(symlink(f.outside + "/elsewhere", f.work + "/LINKED") == 0)

        let report = try f.purge(dryRun: false)
        #expect(report.jobs.map(\.path) == [job])
        #expect(!f.exists(job))
        #expect(try String(contentsOfFile: f.outside + "/precious/data", encoding: .utf8) == "keep me")
        #expect(f.exists(f.outside + "/elsewhere/" + PurgeFixture.stamp(daysAgo: 300) + "/crash.out"))
        #expect(f.exists(f.work + "/LINKED"))
    }

    @Test func rowsLatestAndEmptyIDsAreTidied() throws {
        let f = try PurgeFixture()
        let oldest = try f.job("L", PurgeFixture.stamp(daysAgo: 300), recordDaysAgo: 300)
        let older = try f.job("L", PurgeFixture.stamp(daysAgo: 200), recordDaysAgo: 200)
        let kept1 = PurgeFixture.stamp(daysAgo: 20)
        let kept2 = PurgeFixture.stamp(daysAgo: 10)
        try f.job("L", kept1)
        try f.job("L", kept2)
        #expect(symlink((older as NSString).lastPathComponent, f.work + "/L/latest") == 0)
        try f.job("GONE", PurgeFixture.stamp(daysAgo: 300))
        #expect(symlink(PurgeFixture.stamp(daysAgo: 300), f.work + "/GONE/latest") == 0)
        try f.job("NOTES", PurgeFixture.stamp(daysAgo: 300))
        try f.write(f.work + "/NOTES/notes.txt", "customer said")

        let report = try f.purge(dryRun: false)
        #expect(report.complete)
        #expect(try f.store.jobs(caseId: "L").isEmpty)
        #expect(!f.exists(oldest) && !f.exists(older))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: f.work + "/L/latest") == kept2)
        #expect(!f.exists(f.work + "/GONE"))
        #expect(f.exists(f.work + "/NOTES/notes.txt"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.work + "/NOTES") == ["notes.txt"])
    }

    @Test func dryRunChangesNothingAndMatchesTheRealRun() throws {
        let f = try PurgeFixture()
        for index in 0..<12 {
            try f.job(
                "ID\(index % 4)", PurgeFixture.stamp(daysAgo: Double(60 + index * 7)),
                files: ["crash.out": String(repeating: "x", count: 5000 * index), "a/b/c": "deep"],
                recordDaysAgo: index.isMultiple(of: 3) ? Double(60 + index * 7) : nil)
        }
        try f.job("HL", PurgeFixture.stamp(daysAgo: 5), files: ["big": String(repeating: "y", count: 100_000)])
        let linked = try f.job("HL2", PurgeFixture.stamp(daysAgo: 300))
        #expect(link(f.work + "/HL/" + PurgeFixture.stamp(daysAgo: 5) + "/big", linked + "/big") == 0)
        try f.cacheEntry("6.1.0", "abc", bytes: 50_000, mtimeDaysAgo: 200)
        let before = f.snapshot()
        let rowsBefore = try f.store.jobs().count

        let dry = try f.purge(dryRun: true)
        #expect(f.snapshot() == before)
        #expect(try f.store.jobs().count == rowsBefore)
        #expect(dry.summary.hasPrefix("would purge 8 jobs of 5 IDs and 1 cached kernel"))

        let real = try f.purge(dryRun: false)
        #expect(real.complete)
        #expect(real.removed.map(\.path) == dry.removed.map(\.path))
        #expect(real.removed.map(\.freed) == dry.removed.map(\.freed))
        #expect(real.bytesFreed == dry.bytesFreed)
        // The hard-linked file survives in the young job, so its blocks are not counted as freed.
        #expect(dry.removed.first { $0.path == linked }!.freed < 100_000)
        for item in dry.removed { #expect(!f.exists(item.path)) }
    }

    @Test(.enabled(if: PurgeFixture.immutableWorks, "needs chattr +i (root on ext4/xfs/btrfs)"))
    func unremovableFileIsReportedAndTheRestGoesOn() throws {
        let f = try PurgeFixture()
        let stuck = try f.job("U", PurgeFixture.stamp(daysAgo: 300), recordDaysAgo: 300)
        let other = try f.job("U", PurgeFixture.stamp(daysAgo: 200), recordDaysAgo: 200)
        let third = try f.job("V", PurgeFixture.stamp(daysAgo: 200))
        #expect(f.makeImmutable(stuck + "/sub/log"))

        let dry = try f.purge(dryRun: true)
        let real = try f.purge(dryRun: false)
        #expect(!real.complete)
        #expect(real.incomplete.map(\.path) == [stuck])
        #expect(real.failures.contains { $0.hasPrefix(stuck + "/sub/log: ") })
        #expect(Set(real.removed.map(\.path)) == [other, third])
        #expect(Set(dry.removed.map(\.path)) == [stuck, other, third])
        #expect(f.exists(stuck + "/sub/log") && !f.exists(stuck + "/crash.out"))
        #expect(try f.store.job(directory: stuck) != nil)
        #expect(try f.store.job(directory: other) == nil)
        #expect(real.summary.contains("1 could not be removed completely"))
    }

    @Test func refusesRootUnsetAndNonDirectories() throws {
        let f = try PurgeFixture()
        for bad in ["/", "", "//", f.root + "/cas.db", f.root + "/missing"] {
            var settings = f.settings
            settings.workDirectory = bad
            #expect(throws: PurgeError.self) { try Purger(policy: settings.purgePolicy, store: f.store) }
        }
        var same = f.settings
        same.debugs = f.work
        #expect(throws: PurgeError.self) { try Purger(policy: same.purgePolicy, store: f.store) }
        var root = f.settings
        root.workDirectory = "/"
        do {
            _ = try Purger(policy: root.purgePolicy, store: f.store)
            Issue.record("purge accepted workDirectory /")
        } catch {
            #expect(error.description.hasPrefix("refusing to purge: workDirectory '/' is the root directory"))
            #expect(error.exitStatus == .configuration)
        }
    }

    @Test func debugsInsideTheWorkDirectoryIsNotAJob() throws {
        let f = try PurgeFixture()
        f.settings.debugs = f.work + "/debugs"
        try FileManager.default.createDirectory(atPath: f.work + "/debugs/6.1.0/k1", withIntermediateDirectories: true)
        try f.age(f.work + "/debugs/6.1.0", days: 400)
        let plan = try f.purger().plan()
        #expect(plan.jobs.isEmpty)
    }

    @Test func onePurgeAtATime() throws {
        let f = try PurgeFixture()
        let first = try f.purger()
        #expect(throws: PurgeError.self) { try f.purger() }
        _ = first
    }

    @Test func jobStampParsing() throws {
        #expect(JobStamp.date("2024.02.29.23.59.59") != nil)
        #expect(JobStamp.date("2024.02.29.23.59.59.2") != nil)
        #expect(JobStamp.date("2024.13.01.00.00.00") == nil)
        #expect(JobStamp.date("2024.1.01.00.00.00") == nil)
        #expect(JobStamp.date("latest") == nil)
        let stamp = PurgeFixture.stamp(daysAgo: 10)
        let parsed = try #require(JobStamp.date(stamp))
        #expect(abs(parsed.timeIntervalSinceNow + 10 * 86400) < 2)
    }
}

import CASCore
import CASTestSupport
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
        let job = try Robustness.Spawned("cas", ["-i", "k-crash", "-f", fixtures + "/vmcore.flat"], base: base)
        let ready = base + "/crash-ready"
        #expect(Robustness.until { FileManager.default.fileExists(atPath: ready) }, "the slow crash started")
        #expect(Robustness.jobs(base, caseId: "k-crash").first?.state == .crash)
        _ = try job.kill9()
        #expect(job.process.terminationReason == .uncaughtSignal)
        if let pid = Int32(JobWorld.read(ready).trimmingCharacters(in: .whitespacesAndNewlines)) { kill(pid, SIGKILL) }
        try expectRecovery(base, "k-crash", killedIn: .crash, dump: fixtures + "/vmcore.flat")
    }

    @Test func killedWhileUnpackingIsAbandonedAndTheNextRunWorks() throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        // A slow upload: 1 GiB of random bytes ahead of the dump in a tar (about a second of copying).
        try TestTools.sh(
            "cd \"$0\" && head -c 1G /dev/urandom > noise && cp \"$1\" vmcore.flat && tar -cf slow.tar noise vmcore.flat && rm noise",
            base, fixtures + "/vmcore.flat")
        let job = try Robustness.Spawned("cas", ["-i", "k-intake", "-f", base + "/slow.tar"], base: base)
        #expect(Robustness.until { Robustness.jobs(base, caseId: "k-intake").first?.state == .intake },
            "the job is unpacking")
        #expect(job.process.isRunningReliably)
        _ = try job.kill9()
        #expect(job.process.terminationReason == .uncaughtSignal, "killed, not finished")
        try expectRecovery(base, "k-intake", killedIn: .intake, dump: fixtures + "/vmcore.flat")
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
        #expect(Robustness.jobs(base, caseId: "alive").first?.state == .crash)
        _ = try job.kill9()
        if let pid = Int32(JobWorld.read(base + "/crash-ready").trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGKILL)
        }
    }

    /// The quick steps, stopped on entry by `CAS_FAULT_STOP` (see ``FaultPoint``) so the kill lands in them.
    @Test(arguments: [JobRecord.State.identify, .lookup])
    func killedOnEnteringAStepIsAbandonedAndTheNextRunWorks(_ step: JobRecord.State) throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let caseId = "k-" + step.rawValue
        let job = try Robustness.Spawned(
            "cas", ["-i", caseId, "-f", fixtures + "/vmcore.flat"], base: base,
            environment: ["CAS_FAULT_STOP": step.rawValue])
        let stopped = job.waitStopped()
        let state = Robustness.jobs(base, caseId: caseId).first?.state
        let killed = try job.kill9()
        try #require(stopped, "cas stopped itself on entering \(step): \(killed.stderr)")
        #expect(state == step)
        #expect(killed.status == SIGKILL, "killed, not finished")
        try expectRecovery(base, caseId, killedIn: step, dump: fixtures + "/vmcore.flat")
    }

    /// Killed with the first MiB of the vmlinux written to its `.part` file: the cache never holds a partial
    /// vmlinux under its real name, and the next job extracts it again and analyses with it.
    @Test func killedWithTheVmlinuxHalfExtractedPublishesNothingAndTheNextRunExtractsAgain() throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        #expect(!JobWorld.listing(base + "/debugs").contains { $0.hasSuffix("vmlinux") }, "nothing cached yet")
        let job = try Robustness.Spawned(
            "cas", ["-i", "k-partial", "-f", fixtures + "/vmcore.flat"], base: base,
            environment: ["CAS_FAULT_STOP": "extracting-partial"])
        let stopped = job.waitStopped()
        let killed = try job.kill9()
        try #require(stopped, "cas stopped after writing the first chunk: \(killed.stderr)")
        #expect(killed.status == SIGKILL)
        let left = JobWorld.listing(base + "/debugs")
        let part = try #require(left.first { $0.hasSuffix("/vmlinux.part") }, "no .part in \(left)")
        let full = try #require(FileSystem.size(fixtures + "/vmlinux"))
        let written = FileSystem.size(base + "/debugs/" + part) ?? 0
        #expect(written > 0 && written < full, "half written: \(written) of \(full) bytes")
        #expect(!left.contains { $0.hasSuffix("/vmlinux") }, "a partial vmlinux was published: \(left)")
        try expectRecovery(base, "k-partial", killedIn: .lookup, dump: fixtures + "/vmcore.flat")
        let vmlinux = base + "/debugs/" + part.dropLast(".part".count)
        #expect(FileSystem.size(vmlinux) == full, "extracted whole the second time")
        #expect(!JobWorld.listing(base + "/debugs").contains { $0.hasSuffix(".part") })
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
        case "not-executable": #expect(message.contains("not executable (mode 644)"), "\(result.stderr)")
        default: #expect(message.contains("signal") || message.contains("killed"), "\(result.stderr)")
        }
        let row = try #require(Robustness.jobs(base, caseId: "bad-\(how)").first)
        // Partial: crash failed, but the job has the dump's own kernel log and the findings from it.
        #expect(row.state == .partial && row.step == "crash")
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

    /// An all-zero member in a tar (once mistaken for an empty archive, then read past its end with
    /// libarchive's "archive_read_data_block invoked … in state 'eof'") is unpacked whole.
    @Test func aTarWithAnAllZeroMemberIsUnpacked() throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try TestTools.sh(
            "cd \"$0\" && head -c 1M /dev/zero > zeros && cp \"$1\" vmcore.flat && tar -cf z.tar zeros vmcore.flat",
            base, fixtures + "/vmcore.flat")
        let result = try JobWorld.run("cas", ["-i", "zeros", "-f", base + "/z.tar"], base: base)
        #expect(result.status == 0, "\(result.stderr)")
        let job = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(FileSystem.size(job + "/input/zeros") == 1 << 20, "the all-zero member is kept whole")
    }

    // MARK: a full disk

    /// Mounts a 16 MiB tmpfs on `path` (root only); nil with the reason when mounting is not permitted.
    static func smallDisk(_ path: String) -> String? {
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        do {
            try TestTools.sh("mount -t tmpfs -o size=16m tmpfs \"$0\" 2>&1", path)
            return nil
        } catch { return "cannot mount a tmpfs (needs root): \(error)" }
    }

    @Test func aFullDiskDuringIntakeFailsClearlyAndLeavesNoPartialDump() throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        if let reason = Self.smallDisk(base + "/work") {
            print("skipped: \(reason)")
            return
        }
        defer { _ = try? TestTools.sh("umount \"$0\"", base + "/work") }
        // A plain dump: refused before writing (its size is known). A tar.gz with 32 MiB of random bytes
        // (not sparse, size unknown up front): the disk fills while writing.
        try TestTools.sh(
            "cd \"$0\" && head -c 32M /dev/urandom > noise && cp \"$1\" vmcore.flat && tar -czf full.tar.gz noise vmcore.flat",
            base, fixtures + "/vmcore.flat")
        for (n, upload) in [fixtures + "/vmcore.elf", base + "/full.tar.gz"].enumerated() {
            let result = try JobWorld.run("cas", ["-i", "full-\(n)", "-f", upload], base: base)
            #expect(result.status == 73, "\(result.stderr)")
            #expect(
                result.stderr.contains("No space left on device") || result.stderr.contains("16.0 MiB free on"),
                "\(result.stderr)")
            let left = JobWorld.listing(base + "/work/full-\(n)")
            #expect(!left.contains { $0.hasSuffix("vmcore.elf") || $0.hasSuffix("noise") || $0.contains(".part") },
                "partial member left: \(left)")
            let row = try #require(Robustness.jobs(base, caseId: "full-\(n)").first)
            #expect(row.state == .failed && row.step == "intake")
        }
    }

    @Test func aFullDiskDuringExtractionFailsClearlyAndLeavesNoPartialVmlinux() throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        if let reason = Self.smallDisk(base + "/debugs") {
            print("skipped: \(reason)")
            return
        }
        defer { _ = try? TestTools.sh("umount \"$0\"", base + "/debugs") }
        let result = try JobWorld.run("cas", ["-i", "full-x", "-f", fixtures + "/vmcore.flat"], base: base)
        #expect(result.status != 0)
        #expect(result.stderr.contains("No space left on device"), "\(result.stderr)")
        let left = JobWorld.listing(base + "/debugs")
        #expect(!left.contains { $0.hasSuffix("vmlinux") || $0.contains(".part") }, "partial vmlinux left: \(left)")
        let row = try #require(Robustness.jobs(base, caseId: "full-x").first)
        #expect(row.state == .failed && row.step == "lookup")
        // With room again, the next job extracts and completes.
        _ = try? TestTools.sh("umount \"$0\"", base + "/debugs")
        let next = try JobWorld.run("cas", ["-i", "full-x", "-f", fixtures + "/vmcore.flat"], base: base)
        #expect(next.status == 0, "\(next.stderr)")
    }
}

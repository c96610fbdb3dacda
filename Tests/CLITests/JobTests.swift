import CASCore
import CASTestSupport
import Foundation
import Testing

/// `cas -i ID -f FILE` end to end: real archives, a real index, the real crash on the real dump.
@Suite(.serialized, .enabled(if: findExecutable("crash") != nil && findExecutable("rpmbuild") != nil, "needs crash and rpm"))
struct JobTests {
    static let formats = ["vmcore.elf", "vmcore.kdump-d31", "vmcore.flat", "vmcore.kdump-zlib"]

    @Test(arguments: formats)
    func analysesEachDumpFormatFromATarGz(_ dump: String) throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try TestTools.sh("cd \"$0\" && tar -czf \"$1\" \"$2\" crashfix.ko", fixtures, base + "/vmcore.tar.gz", dump)
        let result = try JobWorld.run("cas", ["-i", "12345", "-f", base + "/vmcore.tar.gz"], base: base)
        #expect(result.status == 0, "\(result.stderr)")
        let job = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(job.hasPrefix(base + "/work/12345/"))
        let sys = JobWorld.read(job + "/sys")
        #expect(sys.contains("RELEASE: 6.1.192-tiny-pidfix"))
        #expect(sys.contains(#"PANIC: "Kernel panic - not syncing: sysrq triggered crash""#))
        #expect(JobWorld.read(job + "/traceback").contains("write_sysrq_trigger"))
        #expect(JobWorld.read(job + "/log").contains("sysrq: Trigger a crash"))
        #expect(JobWorld.read(job + "/modules").contains("crashfix"))
        #expect(FileManager.default.fileExists(atPath: job + "/input/crashfix.ko"), "other members are kept beside the dump")
        #expect(FileManager.default.fileExists(atPath: job + "/12345.log"))
        let link = job + "/usr/lib/debug/lib/modules/6.1.192-tiny-pidfix/vmlinux"
        #expect(FileManager.default.fileExists(atPath: link), "the vmlinux is linked at its package path")
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: job + "/job.json")))
            as? [String: Any]
        #expect(record?["state"] as? String == "done")
        #expect((record?["findings"] as? [[String: Any]])?.contains { $0["id"] as? String == "sysrq-crash" } == true)
        #expect(JobWorld.read(job + "/findings.txt").isEmpty == false)
        let latest = try FileManager.default.destinationOfSymbolicLink(atPath: base + "/work/12345/latest")
        #expect(job.hasSuffix("/" + latest))
    }

    @Test func theWrapperRerunsTheBatchByHandAndModulesLoadWithM() throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let result = try JobWorld.run("cas", ["-i", "case-7", "-f", fixtures + "/vmcore.kdump-d31", "-m", "--json"], base: base)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let job = try #require(report?["directory"] as? String)
        #expect(report?["state"] as? String == "done")
        #expect((report?["kernel"] as? [String: Any])?["buildId"] as? String == "08874375e749a8381d73fd31b60f5b1eeae9ac3b")
        // -m: the second pass found crashfix's debug file in the package.
        let modulesDebug = JobWorld.read(job + "/modules-debug")
        #expect(modulesDebug.contains("crashfix.ko.debug"), "crash found the module's debug file")
        #expect(!modulesDebug.contains("(not loaded)"), "\(modulesDebug)")
        // The dump is linked, not copied: same inode as the user's file.
        var a = stat(), b = stat()
        stat(fixtures + "/vmcore.kdump-d31", &a)
        stat(job + "/input/vmcore.kdump-d31", &b)
        #expect(a.st_ino == b.st_ino)
        // ./crash -i crash.in by hand.
        try FileManager.default.removeItem(atPath: job + "/sys")
        let rerun = try TestTools.sh("cd \"$0\" && ./crash -s -i crash.in < /dev/null > /dev/null 2>&1; cat sys", job)
        #expect(rerun.contains("RELEASE: 6.1.192-tiny-pidfix"))
    }

    @Test func aSecondJobLandsBesideTheFirstAndMovesLatest() throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let first = try JobWorld.run("cas", ["-i", "42", "-f", fixtures + "/vmcore.flat"], base: base)
        let second = try JobWorld.run("cas", ["-i", "42", "-f", fixtures + "/vmcore.flat"], base: base)
        #expect(first.status == 0 && second.status == 0, "\(first.stderr) \(second.stderr)")
        let one = first.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let two = second.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(one != two)
        let jobs = try FileManager.default.contentsOfDirectory(atPath: base + "/work/42").filter { $0 != "latest" }
        #expect(jobs.count == 2)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: base + "/work/42/latest")
            == (two as NSString).lastPathComponent)
        let listed = try JobWorld.run("cas-admin", ["list", "jobs", "--json"], base: base)
        let rows = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.count == 2)
        #expect(rows?.allSatisfy { $0["state"] as? String == "done" } == true)
    }

    @Test func aKernelNotIndexedFailsNamingTheNearest() throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree(indexed: false)
        defer { try? FileManager.default.removeItem(atPath: base) }
        // Index another kernel only: a copy of the vmlinux with its build ID changed, packaged as 6.1.190-other.
        let other = base + "/vmlinux-other"
        try TestTools.sh(
            "/usr/bin/python3 -c 'import sys; d=open(sys.argv[1],\"rb\").read(); i=d.index(bytes.fromhex(sys.argv[3])); "
                + "open(sys.argv[2],\"wb\").write(d[:i]+bytes(20)+d[i+20:])' \"$0\" \"$1\" 08874375e749a8381d73fd31b60f5b1eeae9ac3b",
            fixtures + "/vmlinux", other)
        try TestTools.sh("\"$0\" rpm \"$1\" \"$2\" 6.1.190-other xz \"$3\" > /dev/null",
            TestTools.packageRoot + "/Scripts/make-kernel-package", other, fixtures + "/crashfix.ko", base + "/kernels")
        #expect(try JobWorld.run("cas-admin", ["-b"], base: base).status == 0)
        let result = try JobWorld.run("cas", ["-i", "77", "-f", fixtures + "/vmcore.flat"], base: base)
        #expect(result.status == ExitStatus.noDebuginfo.rawValue, "\(result.stderr)")
        #expect(result.stderr.contains("no debuginfo in the index for"))
        #expect(result.stderr.contains("6.1.192-tiny-pidfix"))
        #expect(result.stderr.contains("6.1.190-other"), "the nearest indexed release is named")
        let rows = try JSONSerialization.jsonObject(
            with: Data(try JobWorld.run("cas-admin", ["list", "jobs", "--json"], base: base).stdout.utf8))
            as? [[String: Any]]
        // Partial: the job still has the dump's own kernel log and the findings from it (JobKernelLogTests).
        #expect(rows?.first?["state"] as? String == "partial")
        #expect(rows?.first?["step"] as? String == "lookup")
    }

    @Test func aNonDumpFailsAndLeavesOnlyTheLog() throws {
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try TestTools.sh("printf 'hello\\n' > \"$0/notes.txt\" && tar -czf \"$0/upload.tar.gz\" -C \"$0\" notes.txt", base)
        let result = try JobWorld.run("cas", ["-i", "88", "-f", base + "/upload.tar.gz"], base: base)
        #expect(result.status == ExitStatus.badInput.rawValue, "\(result.stderr)")
        let jobs = try FileManager.default.contentsOfDirectory(atPath: base + "/work/88").filter { $0 != "latest" }
        #expect(jobs.count == 1)
        #expect(JobWorld.listing(base + "/work/88/" + jobs[0]) == ["88.log"])
        #expect(FileManager.default.fileExists(atPath: base + "/upload.tar.gz"), "the user's file is untouched")
    }

    /// A failing job says so once on standard error (the job log's error line), then where the log is; the
    /// intake summary is named once.
    @Test func aFailureIsReportedOnceWithTheLogsPath() throws {
        let base = try JobWorld.tree(indexed: false)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let script = #"printf 'KDUMP   \006\000\000\000' > "$0/vmcore" && head -c 8192 /dev/zero >> "$0/vmcore" && "#
            + #"tar -czf "$0/upload.tar.gz" -C "$0" vmcore && rm "$0/vmcore""#
        try TestTools.sh(script, base)
        let result = try JobWorld.run("cas", ["-i", "77", "-f", base + "/upload.tar.gz"], base: base)
        #expect(result.status == ExitStatus.badInput.rawValue, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.contains("failed:") } == lines.filter { $0.hasPrefix("cas: error: identify failed: input/vmcore: ") })
        #expect(lines.filter { $0.contains("failed:") }.count == 1, "\(result.stderr)")
        #expect(lines.filter { $0.hasPrefix("intake: unpacked 1 member(s) from gzip data") }.count == 1, "\(result.stderr)")
        #expect(!result.stderr.contains("intake: intake:"))
        #expect(lines.last?.hasPrefix("cas: the log is " + base + "/work/77/") == true, "\(result.stderr)")
    }

    @Test func aHangingCrashIsKilledAtTheTimeout() throws {
        let fixtures = try JobWorld.fixtures()
        let sleeper = NSTemporaryDirectory() + "cas-hanging-crash-\(getpid())"
        try "#!/bin/sh\nsleep 1000 &\nwait\n".write(toFile: sleeper, atomically: true, encoding: .utf8)
        chmod(sleeper, 0o755)
        let base = try JobWorld.tree(extra: "[advanced]\ncrash = \(sleeper)\ncrashTimeout = 2")
        defer { try? FileManager.default.removeItem(atPath: base) }
        let started = Date()
        let result = try JobWorld.run("cas", ["-i", "99", "-f", fixtures + "/vmcore.kdump-d31"], base: base)
        #expect(result.status == ExitStatus.crashFailed.rawValue, "\(result.stderr)")
        #expect(result.stderr.contains("crash failed"))
        #expect(Date().timeIntervalSince(started) < 120)
    }

    @Test(arguments: ["../x", "", String(repeating: "a", count: 200), "a/b", "x y"])
    func aBadIDIsRefusedWithNothingWritten(_ id: String) throws {
        let base = try JobWorld.tree(indexed: false)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let result = try JobWorld.run("cas", ["-i", id, "-f", "/etc/hostname"], base: base)
        #expect(result.status == ExitStatus.usage.rawValue)
        #expect(JobWorld.listing(base + "/work").isEmpty)
    }

    @Test func aMissingFileIsRefusedWithNothingWritten() throws {
        let base = try JobWorld.tree(indexed: false)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let result = try JobWorld.run("cas", ["-i", "5", "-f", base + "/nope.tar.gz"], base: base)
        #expect(result.status == ExitStatus.noInput.rawValue)
        #expect(result.stderr.contains("nope.tar.gz"))
        #expect(JobWorld.listing(base + "/work").isEmpty)
    }
}

import CASCore
import CASTestSupport
import Foundation
import Testing

/// The real `cas` and the real crash on one real dump per crash class (../shared/fixtures/crash-classes-6.1.192-tiny):
/// the first line of findings.txt names the cause, the culprit function and module, and the task that truth.json
/// records; job.json carries them as `cause`, `culprit` and `task`.
@Suite(.serialized, .enabled(if: findExecutable("crash") != nil && CrashClassWorld.available, "needs crash and the fixtures"))
struct CrashClassTests {
    /// The cause each class's headline starts with (the kernel's own event, never the panic that followed it).
    static let causes: [String: String] = [
        "null": "NULL pointer dereference (write to 0000000000000020)",
        "bug": "kernel BUG at faulty/faulty.c:74",
        "gpf": "General protection fault (address 0x6b6b6b6b6b6b6b83)",
        "divzero": "Divide error",
        "warn": "WARNING at faulty/faulty.c:94",
        "panic": "Kernel panic: faulty: giving up on purpose",
        "softlockup": "Soft lockup: CPU 1 stuck for 8s",
        "hungtask": "Hung task: faultyd blocked for more than 8 seconds",
        "oom": "Out of memory (order-0 allocation by memhog)",
        "stackoverflow": "Stack overflow: TASK stack guard page hit",
        "listcorrupt": "List corruption (list_add): prev->next should be next",
    ]

    @Test func everyClassGetsItsCauseCulpritAndTask() throws {
        let world = try CrashClassWorld.shared()
        let truth = try CrashClassWorld.truth()
        #expect(Set(truth.map(\.class)) == Set(Self.causes.keys))
        let results = try world.runAll(truth.map(\.class))
        var named = 0
        var withCulprit = 0
        for dump in truth {
            let result = try #require(results[dump.class])
            #expect(result.status == 0, "\(dump.class): exit \(result.status) \(result.stderr)")
            let headline = result.headline
            let cause = try #require(Self.causes[dump.class])
            #expect(headline.hasPrefix(cause), "\(dump.class): \(headline)")
            if headline.hasPrefix(cause) { named += 1 }
            #expect(headline.contains("— PID \(dump.culpritPID ?? dump.pid) \"\(dump.culpritTask)\""), "\(dump.class): \(headline)")
            let culprit = result.record["culprit"] as? [String: Any]
            if let function = dump.culpritFunction, let module = dump.culpritModule {
                #expect(headline.contains(" in \(function) [\(module)]"), "\(dump.class): \(headline)")
                #expect(culprit?["function"] as? String == function, "\(dump.class)")
                #expect(culprit?["module"] as? String == module, "\(dump.class)")
                #expect(culprit?["moduleTaint"] as? String == "O", "\(dump.class): faulty is out of tree")
                if culprit?["function"] as? String == function { withCulprit += 1 }
            } else {
                #expect(culprit == nil, "\(dump.class): no function to blame")
            }
            #expect((result.record["cause"] as? String).map { headline.hasPrefix($0) } == true, "\(dump.class)")
            #expect((result.record["task"] as? [String: Any])?["command"] as? String == dump.culpritTask)
        }
        print("crash classes: \(named)/\(truth.count) causes named, \(withCulprit) with culprit function and module")
    }
}

extension CrashClassTests {
    /// A snippet that kills crash in the middle of the batch: the job still gets sys, log and the backtrace
    /// (run in a new crash process), records the command, and ends done with warnings (exit 3).
    @Test func aCommandThatEndsCrashCostsOnlyItsOwnOutput() throws {
        let world = try CrashClassWorld.shared()
        let base = try world.tree(snippets: [
            "10-sys": "sys >> sys\n", "20-log": "log >> log\n",
            "25-die": "# crash exits here, as on a fatal error\n!kill -KILL $PPID\n", "30-traceback": "bt >> traceback\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: base) }
        let result = try JobWorld.run(
            "cas", ["-i", "dies-1", "-f", world.dumps + "/null.kdump-d31", "--json"], base: base)
        #expect(result.status == 3, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(report?["state"] as? String == "done")
        let job = try #require(report?["directory"] as? String)
        #expect(JobWorld.read(job + "/sys").contains("PANIC:"))
        #expect(JobWorld.read(job + "/log").contains("BUG: kernel NULL pointer dereference"))
        #expect(JobWorld.read(job + "/traceback").contains("[exception RIP: faulty_store_null+7]"), "bt ran after the restart")
        #expect(JobWorld.read(job + "/crash.out").contains("cas: crash restarted after `!kill -KILL $PPID` failed"))
        #expect(!FileManager.default.fileExists(atPath: job + "/" + CrashResume.progressDirectory))
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: job + "/job.json")))
            as? [String: Any]
        let failures = record?["crashFailures"] as? [[String: Any]]
        #expect(failures?.map { $0["command"] as? String } == ["!kill -KILL $PPID"])
        #expect(record?["exitStatus"] as? Int == 3)
        #expect(JobWorld.read(job + "/findings.txt").hasPrefix("NULL pointer dereference (write to 0000000000000020)"))
        let log = JobWorld.read(job + "/dies-1.log")
        #expect(log.contains("crash command failed, its output is missing: `!kill -KILL $PPID`"))
    }
}

extension CrashClassTests {
    /// A kdump file cut short: the job says how much is missing, crash still runs on what is there, and the
    /// findings still come from the log; the job ends done with warnings.
    @Test func aDumpCutShortIsAnalysedSayingWhatIsMissing() throws {
        let world = try CrashClassWorld.shared()
        let whole = world.dumps + "/null.kdump-d31"
        let expected = try #require(DumpCompleteness.check(path: whole)?.expectedBytes)
        let cut = world.dumps + "/null-cut.kdump-d31"
        try? FileManager.default.removeItem(atPath: cut)
        try FileManager.default.copyItem(atPath: whole, toPath: cut)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: cut))
        try handle.truncate(atOffset: UInt64(expected - 3 * 4096))
        try handle.close()
        let result = try JobWorld.run("cas", ["-i", "cut-1", "-f", cut, "--json"], base: world.base)
        #expect(result.status == 3, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(report?["state"] as? String == "done")
        let job = try #require(report?["directory"] as? String)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: job + "/job.json")))
            as? [String: Any]
        let completeness = record?["dumpCompleteness"] as? [String: Any]
        #expect(completeness?["missingBytes"] as? Int == 3 * 4096)
        #expect((completeness?["problem"] as? String)?.hasPrefix("dump is truncated: 12.0 KiB of ") == true, "\(completeness ?? [:])")
        #expect(JobWorld.read(job + "/cut-1.log").contains("dump is truncated: 12.0 KiB of "))
        #expect(JobWorld.read(job + "/findings.txt").hasPrefix("NULL pointer dereference (write to 0000000000000020)"))
    }
}

/// The decompressed class dumps and vmlinux (once per test process), a tree whose kernels directory holds the
/// vmlinux loose, and snippets for just `bt`, `sys`, `log`.
final class CrashClassWorld: @unchecked Sendable {
    static let source = Fixtures.classesDirectory
    static var available: Bool { FileManager.default.fileExists(atPath: source + "/truth.json") }
    private static let lock = NSLock()
    nonisolated(unsafe) private static var world: CrashClassWorld?

    let dumps: String
    let base: String

    struct Dump {
        var `class`: String
        var file: String
        var pid: Int
        var culpritTask: String
        var culpritPID: Int?
        var culpritFunction: String?
        var culpritModule: String?
    }

    struct Result {
        var status: Int32
        var stderr: String
        var headline: String
        var record: [String: Any]
        var findings: [[String: Any]]
    }

    static func truth() throws -> [Dump] {
        let data = try Data(contentsOf: URL(fileURLWithPath: source + "/truth.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let dumps = object?["dumps"] as? [[String: Any]] ?? []
        return dumps.map { entry in
            let task = entry["culprit_task"] as? String ?? ""
            // hungtask: the panic task is khungtaskd; the culprit task is the blocked one, named in the report.
            let culpritPID = task == entry["task"] as? String ? nil : hungTaskPID(entry)
            return Dump(
                class: entry["class"] as? String ?? "", file: entry["file"] as? String ?? "",
                pid: entry["pid"] as? Int ?? -1, culpritTask: task, culpritPID: culpritPID,
                culpritFunction: entry["culprit_function"] as? String, culpritModule: entry["culprit_module"] as? String)
        }
    }

    /// The PID in `INFO: task NAME:PID blocked` of truth.json's log lines.
    static func hungTaskPID(_ entry: [String: Any]) -> Int? {
        for line in entry["log_lines"] as? [String] ?? [] {
            guard let range = line.range(of: "INFO: task "), let end = line.range(of: " blocked") else { continue }
            return Int(line[range.upperBound..<end.lowerBound].split(separator: ":").last ?? "")
        }
        return nil
    }

    static func shared() throws -> CrashClassWorld {
        lock.lock()
        defer { lock.unlock() }
        if let world { return world }
        let made = try CrashClassWorld()
        world = made
        return made
    }

    private init() throws {
        dumps = try TemporaryDirectory.make("cas-crash-classes")
        base = dumps + "/tree"
        for directory in [dumps, base + "/kernels", base + "/work", base + "/snippets"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.source).filter {
            $0.hasSuffix(".kdump-d31.xz") || $0 == "vmlinux.xz"
        }
        for name in names.map({ String($0.dropLast(3)) }) {
            try Fixtures.copy(name, classes: true, to: dumps + "/" + name)
        }
        try FileManager.default.linkItem(
            atPath: dumps + "/vmlinux", toPath: base + "/kernels/vmlinux-6.1.192-tiny-classes")
        try Self.configure(base, snippets: [
            "10-sys": "sys >> sys\n", "20-log": "log >> log\n", "30-traceback": "bt >> traceback\n",
        ])
    }

    /// Another tree over the same vmlinux, with its own snippets.
    func tree(snippets: [String: String]) throws -> String {
        let other = dumps + "/tree-\(UUID().uuidString.prefix(8))"
        for directory in [other + "/kernels", other + "/work", other + "/snippets"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        try FileManager.default.linkItem(
            atPath: dumps + "/vmlinux", toPath: other + "/kernels/vmlinux-6.1.192-tiny-classes")
        try Self.configure(other, snippets: snippets)
        return other
    }

    /// Writes the snippets and cas.conf of the tree at `base`, and builds its index.
    static func configure(_ base: String, snippets: [String: String]) throws {
        for (name, text) in snippets { try text.write(toFile: base + "/snippets/" + name, atomically: true, encoding: .utf8) }
        try """
        [settings]
        kernels = \(base)/kernels
        debugs = \(base)/debugs
        workDirectory = \(base)/work
        database = \(base)/cas.db
        snippets = \(base)/snippets

        """.write(toFile: base + "/cas.conf", atomically: true, encoding: .utf8)
        let built = try JobWorld.run("cas-admin", ["-b"], base: base)
        guard built.status == 0 else { throw TestFailure("cas-admin -b: \(built.stderr)") }
    }

    /// Runs `cas -i CLASS -f DUMP` for each class, two at a time.
    func runAll(_ classes: [String]) throws -> [String: Result] {
        let lock = NSLock()
        nonisolated(unsafe) var results: [String: Result] = [:]
        nonisolated(unsafe) var failure: (any Error)?
        DispatchQueue.concurrentPerform(iterations: classes.count) { index in
            let name = classes[index]
            do {
                let result = try run(name)
                lock.withLock { results[name] = result }
            } catch {
                lock.withLock { failure = error }
            }
        }
        if let failure { throw failure }
        return results
    }

    func run(_ name: String) throws -> Result {
        let output = try JobWorld.run("cas", ["-i", "class-" + name, "-f", dumps + "/\(name).kdump-d31"], base: base)
        let job = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let text = JobWorld.read(job + "/findings.txt")
        let data = FileManager.default.contents(atPath: job + "/job.json") ?? Data("{}".utf8)
        let record = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        return Result(
            status: output.status, stderr: output.stderr,
            headline: String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? ""),
            record: record, findings: record["findings"] as? [[String: Any]] ?? [])
    }
}

extension CrashClassTests {
    /// crash 8.0.2 predates the maple tree of VMAs (Linux 6.1): its `vm` of the oom dump's user task prints
    /// "vm: invalid structure member offset: mm_struct_mmap". The job says so out loud: the log, job.json
    /// (`crashWarnings`, `crashDiagnosis`), a finding naming the crash release to install, exit 3. The
    /// repository's `90-ps` snippet gives the kernel's own task count, which agrees with `ps` here.
    @Test func crashOlderThanTheKernelIsSaidOutLoud() throws {
        let world = try CrashClassWorld.shared()
        // crash --version starts with an empty line when its output is not a terminal.
        let crash = try TestTools.sh("crash --version | awk '$1 == \"crash\" { print $2; exit }'")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let version = try #require(CrashCompatibility.numbers(crash), "crash --version gave '\(crash)'")
        guard version.lexicographicallyPrecedes([8, 0, 3]) else {
            print("crash \(crash) follows the maple tree: nothing to diagnose here")
            return
        }
        let ps = JobWorld.read(TestTools.packageRoot + "/Snippets/90-ps")
        let base = try world.tree(snippets: ["10-sys": "sys >> sys\n", "20-log": "log >> log\n", "50-vm": "vm >> vm\n", "90-ps": ps])
        defer { try? FileManager.default.removeItem(atPath: base) }
        let result = try JobWorld.run("cas", ["-i", "old-1", "-f", world.dumps + "/oom.kdump-d31", "--json"], base: base)
        #expect(result.status == 3, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let job = try #require(report?["directory"] as? String)
        let record = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: job + "/job.json"))) as? [String: Any])
        let warnings = record["crashWarnings"] as? [[String: Any]]
        #expect(warnings?.first?["line"] as? String == "vm: invalid structure member offset: mm_struct_mmap", "\(record)")
        #expect(warnings?.first?["kind"] as? String == "invalid structure member offset")
        let diagnosis = try #require(record["crashDiagnosis"] as? [String: Any])
        let message = "crash \(crash) is older than this kernel: vm: invalid structure member offset: mm_struct_mmap"
        #expect(diagnosis["message"] as? String == message)
        #expect((diagnosis["install"] as? String)?.hasPrefix("install crash 8.0.3 or later") == true)
        #expect(diagnosis["listedTasks"] as? Int == 26 && diagnosis["kernelTasks"] as? Int == 26)
        let findings = JobWorld.read(job + "/findings.txt")
        #expect(findings.hasPrefix("Out of memory (order-0 allocation by memhog)"), "the cause stays the kernel's")
        #expect(findings.contains("crash-too-old: \(message)"), "\(findings)")
        #expect(findings.contains("install crash 8.0.3 or later"))
        #expect(JobWorld.read(job + "/old-1.log").contains(message + "; install crash 8.0.3 or later"))
        // `cas findings` again (a site adding a rule) keeps it: it comes from job.json, not from this run.
        let again = try JobWorld.run("cas", ["findings", job], base: base)
        #expect(again.stdout.contains("crash-too-old"), "\(again.stdout)\(again.stderr)")
    }
}

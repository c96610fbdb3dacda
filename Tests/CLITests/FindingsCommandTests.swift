import CASTestSupport
import Foundation
import Testing

/// `cas findings JOBDIR [--json]` run as the built binary on a job directory in a temporary dir.
@Suite("cas findings end to end")
struct FindingsCommandTests {
    static let log = """
        [    0.649163] crashfix: loading out-of-tree module taints kernel.
        [   10.000001] acme_raid 0000:3b:00.0: controller reset, fw=8.2
        [ 7380.481205] INFO: task jbd2/sda1-8:412 blocked for more than 120 seconds.
        [ 7380.481249] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
        [ 7400.000001] sysrq: Trigger a crash
        [ 7400.000010] Kernel panic - not syncing: sysrq triggered crash
        [ 7400.000020] CPU: 1 PID: 9001 Comm: bash Tainted: G           O       6.1.0 #1
        """
    static let sys = """
              KERNEL: /usr/lib/debug/boot/vmlinux-6.1.0  [TAINTED]
              UPTIME: 02:03:20
               PANIC: "Kernel panic - not syncing: sysrq triggered crash"
        """
    static let traceback = """
        PID: 9001     TASK: ffff888004a1c000  CPU: 1    COMMAND: "bash"
         #0 [ffffc90000cb7d98] panic at ffffffff811429ae
         #1 [ffffc90000cb7e18] __handle_sysrq at ffffffff811140c2
         #2 [ffffc90000cb7e48] write_sysrq_trigger at ffffffff8111417f
        """
    static let siteRule = """
        [acme-raid-reset]
        title = ACME RAID controller reset (firmware bug)
        severity = critical
        files = log
        pattern = acme_raid (\\S+): controller reset, fw=([0-9.]+)
        detail = {1} fw {2}
        """

    @Test("--json prints the findings array and job.json gets it, with the site rules of --config")
    func json() throws {
        let fixture = try CLIFindingsFixture()
        try fixture.writeJob([
            "log": Self.log, "sys": Self.sys, "traceback": Self.traceback,
            "job.json": #"{"id": "CASE-1", "state": "done"}"#,
        ])
        try fixture.writeSiteRule("acme.rules", Self.siteRule)

        let result = try fixture.run(["findings", fixture.job, "--json", "--config", fixture.config])
        #expect(result.status == 0, "\(result.stderr)")
        let data = Data(result.stdout.utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["cause"] as? String == "ACME RAID controller reset (firmware bug): 0000:3b:00.0 fw 8.2")
        #expect((object["task"] as? [String: Any])?["pid"] as? Int == 9001)
        #expect(object.keys.contains("culprit"))
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(
            findings.compactMap { $0["id"] as? String } == [
                "acme-raid-reset", "hung-task", "sysrq-crash", "out-of-tree-module",
            ])
        #expect(findings.first?["details"] as? [String] == ["0000:3b:00.0 fw 8.2"])
        #expect(findings.first?["severity"] as? String == "critical")

        let record = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture.job + "/job.json")))
                as? [String: Any])
        #expect(record["id"] as? String == "CASE-1")
        #expect((record["findings"] as? [Any])?.count == 4)
        let text = try String(contentsOfFile: fixture.job + "/findings.txt", encoding: .utf8)
        #expect(
            text.hasPrefix(
                "ACME RAID controller reset (firmware bug): 0000:3b:00.0 fw 8.2 — PID 9001 \"bash\" on CPU 1\n"
            ))
    }

    @Test("without --json it prints findings.txt; without site rules only the built-ins fire")
    func text() throws {
        let fixture = try CLIFindingsFixture()
        try fixture.writeJob(["log": Self.log, "sys": Self.sys, "traceback": Self.traceback])
        let result = try fixture.run(["findings", fixture.job], configured: false)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("Hung task: jbd2/sda1-8 blocked for more than 120 seconds — PID 412"))
        #expect(result.stdout.contains("Backtrace:     panic < __handle_sysrq < write_sysrq_trigger\n"))
        #expect(result.stdout.contains("Taint:         O (out-of-tree module loaded)\n"))
        #expect(!result.stdout.contains("acme"))
        #expect(try String(contentsOfFile: fixture.job + "/findings.txt", encoding: .utf8) == result.stdout)
    }

    @Test("a bad site rule exits 78 naming file and line; a missing job exits 66")
    func errors() throws {
        let fixture = try CLIFindingsFixture()
        try fixture.writeJob(["log": Self.log])
        try fixture.writeSiteRule("bad.rules", "[x]\ntitle = t\nseverity = urgent\n")
        let bad = try fixture.run(["findings", fixture.job, "--config", fixture.config])
        #expect(bad.status == 78)
        #expect(bad.stderr.contains("cas findings: rules \(fixture.siteRules)/bad.rules:3: bad severity 'urgent'"))
        #expect(bad.stdout.isEmpty)

        let missing = try fixture.run(["findings", fixture.root + "/nope"], configured: false)
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("is not a job directory"))
    }
}

/// A temporary root with a job directory, a site rules directory and a config naming it.
struct CLIFindingsFixture {
    let root: String
    var job: String { root + "/job" }
    var siteRules: String { root + "/site-rules" }
    var config: String { root + "/cas.conf" }

    init() throws {
        root = try TemporaryDirectory.make("cas-findings-cli")
        for directory in [root + "/job", root + "/site-rules", root + "/home"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let config = """
            [settings]
            kernels = \(root)/kernels
            debugs = \(root)/debugs
            workDirectory = \(root)/work
            database = \(root)/cas.db
            rules = \(root)/site-rules
            """
        try config.write(toFile: root + "/cas.conf", atomically: true, encoding: .utf8)
    }

    func writeJob(_ files: [String: String]) throws {
        for (name, text) in files { try text.write(toFile: job + "/" + name, atomically: true, encoding: .utf8) }
    }

    func writeSiteRule(_ name: String, _ text: String) throws {
        try text.write(toFile: siteRules + "/" + name, atomically: true, encoding: .utf8)
    }

    /// Runs `cas` with `arguments`; `configured: false` runs it with no config file (built-in default).
    func run(_ arguments: [String], configured: Bool = true) throws -> RunResult {
        try BuiltBinary.run(
            "cas", arguments,
            environment: BuiltBinary.inheritedEnvironment([
                "CAS_CONFIG": configured ? config : nil, "XDG_DATA_HOME": root + "/home", "CAS_RULES_DIR": nil,
            ]))
    }
}

import CASCore
import CASTestSupport
import Foundation
import Testing

@Suite("Findings site rules")
struct RuleSetTests {
    static let siteRules = """
        # Our known bug, and a stricter warning storm, and no OOM kills (we run batch jobs that expect them).
        [acme-raid-reset]
        title = ACME RAID controller reset: firmware bug, update to 9.1
        severity = critical
        files = log
        pattern = acme_raid (\\S+): controller reset, fw=([0-9.]+)
        detail = {1} firmware {2}
        when = {2} < 9
        reference = https://example.com/kb/1234

        [warning-storm]
        title = Warning storm (site threshold)
        severity = error
        files = log
        pattern = WARNING: CPU: \\d+ PID: \\d+ at (\\S+)
        detail = {1}
        min-count = 2

        [oom-kill]
        disabled = yes
        """

    static let log = """
        [  10.000001] acme_raid 0000:3b:00.0: controller reset, fw=8.2
        [  11.000001] acme_raid 0000:3c:00.0: controller reset, fw=9.1
        [  20.000001] WARNING: CPU: 1 PID: 0 at net/sched/sch_generic.c:525 dev_watchdog+0x20d/0x220
        [  21.000001] WARNING: CPU: 1 PID: 0 at net/sched/sch_generic.c:525 dev_watchdog+0x20d/0x220
        [  30.000001] Out of memory: Killed process 48211 (java) total-vm:12582912kB, anon-rss:8123456kB
        [  40.000001] INFO: task postgres:20113 blocked for more than 120 seconds.
        """

    @Test("a site directory adds rules, overrides built-ins by ID and can switch one off")
    func overrideAndExtend() throws {
        let site = try TemporaryDirectory.make("cas-site-rules")
        try FindingsTestSupport.write(["acme.rules": Self.siteRules, "README": "not a rules file [x"], into: site)
        let rules = try RuleSet.load(builtin: FindingsTestSupport.builtinRulesDirectory, site: site)
        let builtinCount = try FindingsTestSupport.builtinRules().count
        #expect(rules.count == builtinCount + 1)
        #expect(rules.last?.id == "acme-raid-reset")

        let findings = RuleEngine.evaluate(rules, outputs: ["log": Self.log])
        // The site's warning storm has no role, so it is a cause, and earlier in the log than the hung task.
        #expect(findings.map(\.id) == ["acme-raid-reset", "warning-storm", "hung-task", "kernel-warning"])
        #expect(findings[0].details == ["0000:3b:00.0 firmware 8.2"])
        #expect(findings[0].count == 1)
        #expect(findings[1].severity == .error)
        #expect(findings[1].count == 2)

        // Without the site directory the built-ins behave as shipped.
        let plain = try FindingsTestSupport.firing(["log": Self.log])
        #expect(plain == ["oom-kill", "hung-task", "kernel-warning"])
    }

    @Test("a job evaluated with site rules picks them up without rebuilding")
    func evaluateWithSiteRules() throws {
        let site = try TemporaryDirectory.make("cas-site-rules")
        try FindingsTestSupport.write(["acme.rules": Self.siteRules], into: site)
        let job = try TemporaryDirectory.make("cas-job")
        try FindingsTestSupport.write(["log": Self.log], into: job)
        let report = try FindingsEngine.evaluate(
            jobDirectory: job, siteRules: site, builtinRules: FindingsTestSupport.builtinRulesDirectory)
        #expect(report.headline.hasPrefix("ACME RAID controller reset"))
    }

    @Test("bad site files and directories are configuration errors naming file and line")
    func badSite() throws {
        let site = try TemporaryDirectory.make("cas-site-rules")
        try FindingsTestSupport.write(
            [
                "a.rules": "[x]\ntitle = t\nseverity = info\nfiles = log\npattern = a\n",
                "b.rules": "\n[x]\ntitle = t\nseverity = info\nfiles = log\npattern = b\n",
            ], into: site)
        #expect(throws: RuleError.duplicate(id: "x", path: site + "/b.rules", line: 2, first: site + "/a.rules:1")) {
            try RuleSet.load(builtin: FindingsTestSupport.builtinRulesDirectory, site: site)
        }
        #expect(throws: RuleError.unreadable(path: site + "/missing", reason: "no such directory or not readable")) {
            try RuleSet.load(builtin: FindingsTestSupport.builtinRulesDirectory, site: site + "/missing")
        }
        let job = try TemporaryDirectory.make("cas-job")
        let other = try TemporaryDirectory.make("cas-site-rules")
        try FindingsTestSupport.write(["c.rules": "[c\n"], into: other)
        let expected = FindingsError.rules(
            .syntax(path: other + "/c.rules", line: 1, message: "unclosed section header '[c'"))
        #expect(throws: expected) {
            _ = try FindingsEngine.evaluate(
                jobDirectory: job, siteRules: other, builtinRules: FindingsTestSupport.builtinRulesDirectory)
        }
        #expect(expected.exitStatus == .configuration)
    }

    @Test("the built-in directory is found from the source tree when not installed")
    func builtinLocation() throws {
        let found = try RuleSet.builtinDirectory(environment: [:])
        #expect(URL(fileURLWithPath: found).standardizedFileURL.path == FindingsTestSupport.builtinRulesDirectory)
        #expect(throws: RuleError.self) {
            _ = try RuleSet.load(builtin: "/nonexistent/rules", site: nil)
        }
    }
}

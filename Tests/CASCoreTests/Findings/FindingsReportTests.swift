import CASCore
import CASTestSupport
import Foundation
import Testing

@Suite("Findings report and job.json")
struct FindingsReportTests {
    @Test("creates job.json when absent and rewrites findings on a second run")
    func createsAndRewrites() throws {
        let job = try TemporaryDirectory.make("cas-job")
        try FindingsTestSupport.write(["log": "[ 1.0] sysrq: Trigger a crash\n"], into: job)
        let rules = FindingsTestSupport.builtinRulesDirectory
        try FindingsEngine.evaluate(jobDirectory: job, siteRules: nil, builtinRules: rules).write(to: job)
        var record = try Self.record(job)
        #expect((record["findings"] as? [[String: Any]])?.count == 1)
        #expect((record["headline"] as? String)?.hasPrefix("Crash triggered on purpose (sysrq 'c')") == true)

        try FindingsTestSupport.write(["log": "[ 1.0] nothing to see\n"], into: job)
        let report = try FindingsEngine.evaluate(jobDirectory: job, siteRules: nil, builtinRules: rules)
        try report.write(to: job)
        record = try Self.record(job)
        #expect((record["findings"] as? [Any])?.isEmpty == true)
        #expect(report.headline == "No known problem signature and no panic string found")
        let text = try String(contentsOfFile: job + "/findings.txt", encoding: .utf8)
        #expect(text == "No known problem signature and no panic string found\n\n\nNo rule matched.\n")
    }

    @Test("a job.json that is not a JSON object is left alone and reported")
    func badJobJSON() throws {
        let job = try TemporaryDirectory.make("cas-job")
        try FindingsTestSupport.write(["job.json": "[1, 2]"], into: job)
        let report = FindingsReport(facts: CrashFacts(), findings: [])
        #expect(throws: FindingsError.badJobRecord(path: job + "/job.json", reason: "not an object")) {
            try report.write(to: job)
        }
        #expect(try String(contentsOfFile: job + "/job.json", encoding: .utf8) == "[1, 2]")
    }

    @Test("a missing job directory is an input error")
    func missingJob() {
        #expect(throws: FindingsError.noJobDirectory("/nonexistent/job")) {
            _ = try FindingsEngine.evaluate(jobDirectory: "/nonexistent/job", siteRules: nil)
        }
        #expect(FindingsError.noJobDirectory("x").exitStatus == .noInput)
    }

    @Test("findings.txt shows details, evidence and reference under each finding")
    func textLayout() {
        let finding = Finding(
            id: "hung-task", severity: .error, title: "Hung tasks",
            details: ["a (PID 1)", "b (PID 2)", "c (PID 3)", "d (PID 4)"],
            count: 4, files: ["log"], evidence: "INFO: task a:1 blocked for more than 120 seconds.",
            reference: "https://docs.kernel.org/x")
        let report = FindingsReport(
            facts: CrashFacts(panic: "Kernel panic - not syncing: hung_task: blocked tasks"), findings: [finding])
        #expect(report.headline == "Hung tasks: a (PID 1), b (PID 2), c (PID 3) (+1 more)")
        #expect(
            report.summary == """
                Hung tasks: a (PID 1), b (PID 2), c (PID 3) (+1 more)

                Cause:         Hung tasks: a (PID 1), b (PID 2), c (PID 3) (+1 more)
                Panic:         Kernel panic - not syncing: hung_task: blocked tasks

                Findings (the cause first):
                [ERROR]    hung-task: Hung tasks (4 lines in log)
                           a (PID 1), b (PID 2), c (PID 3), d (PID 4)
                           > INFO: task a:1 blocked for more than 120 seconds.
                           see https://docs.kernel.org/x

                """)
    }

    static func record(_ job: String) throws -> [String: Any] {
        let data = try #require(FileManager.default.contents(atPath: job + "/job.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

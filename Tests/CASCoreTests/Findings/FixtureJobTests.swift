import CASCore
import CASTestSupport
import Foundation
import Testing

@Suite("Findings on the real fixture dump", .serialized)
struct FixtureJobTests {
    static let crashAvailable = FindingsTestSupport.crashPath != nil

    @Test(
        "sysrq crash by PID 1 init, write_sysrq_trigger in the top frames, no false alarms",
        .enabled(if: crashAvailable, "needs the crash utility (apt install crash)"))
    func realCrashOutputs() throws {
        let job = try FindingsTestSupport.fixtureJob()
        let report = try FindingsEngine.evaluate(
            jobDirectory: job, siteRules: nil, builtinRules: FindingsTestSupport.builtinRulesDirectory)

        // Exactly these rules fire: the deliberate crash and the fixture's own out-of-tree module.
        #expect(report.findings.map(\.id) == ["sysrq-crash", "out-of-tree-module"])
        #expect(report.findings.first { $0.id == "out-of-tree-module" }?.details == ["crashfix"])

        let facts = report.facts
        #expect(facts.panic == "Kernel panic - not syncing: sysrq triggered crash")
        #expect(facts.task?.pid == 1)
        #expect(facts.task?.command == "init")
        #expect(facts.task?.cpu == 0)
        #expect(facts.frames.prefix(3) == ["panic", "__handle_sysrq", "write_sysrq_trigger"])
        #expect(facts.exceptionRIP == nil)
        #expect(facts.taint == Taint(tainted: true, flags: "O", meanings: ["out-of-tree module loaded"]))
        #expect(facts.uptime == "00:00:00")
        #expect(facts.trigger?.hasPrefix("sysrq 'c'") == true)

        #expect(report.headline == "Crash triggered on purpose (sysrq 'c') — PID 1 \"init\" on CPU 0")
        #expect(report.culprit == nil, "a deliberate crash blames no function")
        #expect(report.headline.hasSuffix("PID 1 \"init\" on CPU 0"))
    }

    @Test(
        "writes findings.txt and merges findings into an existing job.json",
        .enabled(if: crashAvailable, "needs the crash utility (apt install crash)"))
    func writesIntoTheJob() throws {
        let source = try FindingsTestSupport.fixtureJob()
        let job = try TemporaryDirectory.make("cas-fixture-copy")
        for name in ["sys", "traceback", "log", "modules", "memory", "ps"] {
            try FileManager.default.copyItem(atPath: "\(source)/\(name)", toPath: "\(job)/\(name)")
        }
        try #"{"id": "12345", "state": "done", "findings": ["stale"]}"#.write(
            toFile: job + "/job.json", atomically: true, encoding: .utf8)
        let report = try FindingsEngine.evaluate(
            jobDirectory: job, siteRules: nil, builtinRules: FindingsTestSupport.builtinRulesDirectory)
        try report.write(to: job)

        let text = try String(contentsOfFile: job + "/findings.txt", encoding: .utf8)
        #expect(text.hasPrefix(report.headline + "\n"))
        #expect(text.contains("Backtrace:     panic < __handle_sysrq < write_sysrq_trigger"))
        #expect(text.contains("[INFO]     sysrq-crash:"))

        let data = try #require(FileManager.default.contents(atPath: job + "/job.json"))
        let record = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(record["id"] as? String == "12345")
        #expect(record["state"] as? String == "done")
        let findings = try #require(record["findings"] as? [[String: Any]])
        #expect(findings.compactMap { $0["id"] as? String } == ["sysrq-crash", "out-of-tree-module"])
        let facts = try #require(record["crashFacts"] as? [String: Any])
        #expect((facts["task"] as? [String: Any])?["command"] as? String == "init")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: job).filter { $0.contains(".tmp.") }
        #expect(leftovers.isEmpty)
    }
}

import CASCore
import Testing

@Suite("Findings built-in rules")
struct BuiltinRulesTests {
    @Test("every built-in rule has a hit and a near-miss case")
    func everyRuleIsCovered() throws {
        let ids = try FindingsTestSupport.builtinRules().map(\.id)
        #expect(Set(ids) == Set(builtinRuleCases.map(\.id)))
        #expect(ids.count == builtinRuleCases.count)
    }

    @Test("fires on realistic output, with its details", arguments: builtinRuleCases)
    func fires(_ example: BuiltinRuleCase) throws {
        let findings = RuleEngine.evaluate(try FindingsTestSupport.builtinRules(), outputs: [example.file: example.hit])
        let finding = try #require(findings.first { $0.id == example.id }, "\(example.id) did not fire")
        #expect(finding.details == example.details)
        #expect(finding.files == [example.file])
        #expect(!finding.evidence.isEmpty)
    }

    @Test("does not fire on the near miss", arguments: builtinRuleCases)
    func nearMissDoesNotFire(_ example: BuiltinRuleCase) throws {
        let fired = try FindingsTestSupport.firing([example.file: example.nearMiss])
        #expect(!fired.contains(example.id))
    }

    @Test("the near misses together raise no finding at all")
    func nearMissesAreQuiet() throws {
        // These near misses are a sibling rule's hit on purpose (another panic string, a non-NULL fault).
        let siblings: Set = [
            "panic-fatal-exception", "panic-fatal-exception-interrupt", "oom-panic", "null-pointer-dereference",
            "panic-kill-init", "kernel-bug", "hard-lockup-panic", "soft-lockup-panic", "hung-task-panic",
            "explicit-panic", "panic-on-warn", "machine-check-panic", "sysrq-crash", "oom-kill", "oom-invoked", "warning-storm",
        ]
        var outputs: [String: String] = [:]
        for example in builtinRuleCases where !siblings.contains(example.id) {
            outputs[example.file, default: ""] += example.nearMiss + "\n"
        }
        let fired = try FindingsTestSupport.firing(outputs)
        #expect(fired == [])
    }

    @Test("the cause first: a hung task outranks the sysrq crash used to get the dump")
    func severityOrder() throws {
        let log =
            builtinRuleCases.first { $0.id == "sysrq-crash" }!.hit + "\n"
            + builtinRuleCases.first { $0.id == "hung-task" }!.hit
        let findings = RuleEngine.evaluate(try FindingsTestSupport.builtinRules(), outputs: ["log": log])
        #expect(findings.map(\.id) == ["hung-task", "sysrq-crash"])
        let report = FindingsEngine.evaluate(rules: try FindingsTestSupport.builtinRules(), outputs: ["log": log])
        #expect(report.headline.hasPrefix("Hung task: jbd2/sda1-8 blocked for more than 120 seconds (+1 more)"))
        #expect(report.task == CulpritTask(pid: 412, command: "jbd2/sda1-8"))
    }

    @Test("an Oops panic string in sys is read as well as the log")
    func oopsInSys() throws {
        let sys = "       PANIC: \"BUG: kernel NULL pointer dereference, address: 0000000000000000\""
        let fired = try FindingsTestSupport.firing(["sys": sys])
        #expect(fired == ["null-pointer-dereference"])
    }
}

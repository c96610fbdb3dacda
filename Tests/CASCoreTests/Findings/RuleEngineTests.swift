import CASCore
import Testing

@Suite("Findings rule engine")
struct RuleEngineTests {
    static func rule(_ pattern: String, detail: String? = nil, unless: String? = nil, minCount: Int = 1) -> Rule {
        Rule(
            id: "r", title: "T", severity: .warning, files: ["log", "sys"], pattern: pattern, detail: detail,
            unless: unless, minCount: minCount, when: nil, reference: nil, disabled: false, origin: "test:1")
    }

    @Test("a pattern whose match could start on the blank line above still reports the right line")
    func crossLineStart() throws {
        let memory = "                 PAGES        TOTAL      PERCENTAGE\n\n         FREE      700       2.7 MB    1% of TOTAL MEM\n"
        let findings = RuleEngine.evaluate(try FindingsTestSupport.builtinRules(), outputs: ["memory": memory])
        let finding = try #require(findings.first)
        #expect(findings.map(\.id) == ["low-free-memory"])
        #expect(finding.count == 1)
        #expect(finding.evidence == "FREE      700       2.7 MB    1% of TOTAL MEM")
        #expect(finding.details == ["1% free"])
    }

    @Test("counts lines across files, keeps distinct details, honours unless and min-count")
    func counting() {
        let log = "a x=1\nb x=2\na x=1\nskip x=3\n"
        let sys = "c x=4\n"
        let rule = Self.rule(#"x=(\d)"#, detail: "value {1}", unless: "^skip")
        let finding = RuleEngine.evaluate([rule], outputs: ["log": log, "sys": sys]).first
        #expect(finding?.count == 4)
        #expect(finding?.details == ["value 1", "value 2", "value 4"])
        #expect(finding?.files == ["log", "sys"])
        #expect(finding?.evidence == "a x=1")
        #expect(RuleEngine.evaluate([Self.rule(#"x=(\d)"#, minCount: 6)], outputs: ["log": log, "sys": sys]).isEmpty)
    }

    @Test("missing output files and disabled rules do not fire")
    func missingAndDisabled() {
        var rule = Self.rule("anything")
        #expect(RuleEngine.evaluate([rule], outputs: [:]).isEmpty)
        rule.disabled = true
        #expect(RuleEngine.evaluate([rule], outputs: ["log": "anything"]).isEmpty)
    }
}

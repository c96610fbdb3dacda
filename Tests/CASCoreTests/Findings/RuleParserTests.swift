import CASCore
import Testing

@Suite("Findings rule file parser")
struct RuleParserTests {
    @Test("reads every key of a rule")
    func fullRule() throws {
        let text = """
            # site rule
            ; another comment

            [acme-raid-reset]
            title = ACME RAID controller reset (firmware bug 1234)
            severity = Error
            files = log, dmesg
            pattern = acme_raid (\\S+): controller reset, fw=([0-9.]+) # not a comment
            detail = {1} firmware {2}
            unless = fw=9\\.
            min-count = 2
            when = {2} < 9
            reference = https://example.com/kb/1234
            """
        let rules = try RuleParser.parse(text, path: "/etc/cas/rules/acme.rules")
        let rule = try #require(rules.first)
        #expect(rules.count == 1)
        #expect(rule.id == "acme-raid-reset")
        #expect(rule.severity == .error)
        #expect(rule.files == ["log", "dmesg"])
        #expect(rule.pattern == "acme_raid (\\S+): controller reset, fw=([0-9.]+) # not a comment")
        #expect(rule.detail == "{1} firmware {2}")
        #expect(rule.unless == "fw=9\\.")
        #expect(rule.minCount == 2)
        #expect(rule.when == Rule.Condition(group: 2, comparison: .less, value: 9))
        #expect(rule.reference == "https://example.com/kb/1234")
        #expect(rule.origin == "/etc/cas/rules/acme.rules:4")
        #expect(!rule.disabled)
    }

    static let errors: [(text: String, message: String)] = [
        (
            "[a]\ntitle = t\nseverity = fatal\nfiles = log\npattern = x",
            "x.rules:3: bad severity 'fatal': expected critical, error, warning or info"
        ),
        (
            "[a]\ntitle = t\nseverity = info\nfiles = log\npattern = (unclosed",
            "x.rules:5: pattern is not a valid regular expression: (unclosed"
        ),
        ("[a]\ntitle = t\nseverity = info\nfiles = log", "x.rules:1: rule [a] has no 'pattern'"),
        ("title = t", "x.rules:1: 'title' before the first [rule-id] section"),
        ("[a]\ntitel = t", "x.rules:2: unknown key 'titel' (did you mean 'title'?)"),
        ("[a]\njust words", "x.rules:2: expected 'key = value' or '[rule-id]', got 'just words'"),
        ("[a b]", "x.rules:1: bad rule id 'a b': use letters, digits, '.', '_' and '-'"),
        ("[a\ntitle = t", "x.rules:1: unclosed section header '[a'"),
        ("[a]\ntitle = t\ntitle = u", "x.rules:3: 'title' given twice in [a]"),
        ("[a]\ntitle =", "x.rules:2: empty value for 'title'"),
        (
            "[a]\ntitle = t\nseverity = info\nfiles = log\npattern = x\nmin-count = 0",
            "x.rules:6: bad min-count '0': expected a whole number ≥ 1"
        ),
        (
            "[a]\ntitle = t\nseverity = info\nfiles = log\npattern = (x)\nwhen = {1} about 5",
            "x.rules:6: bad when '{1} about 5': expected '{N} < NUMBER' (or <=, >, >=, ==, !=)"
        ),
        (
            "[a]\ntitle = t\nseverity = info\nfiles = log\npattern = (x)\nwhen = {2} > 5",
            "x.rules:6: when uses {2} but the pattern has 1 capture group(s)"
        ),
        (
            "[a]\ntitle = t\nseverity = info\nfiles = log\npattern = x\ndetail = {1}",
            "x.rules:6: detail uses {1} but the pattern has 0 capture group(s)"
        ),
        (
            "[a]\ntitle = t\nseverity = info\nfiles = ../etc/passwd\npattern = x",
            "x.rules:4: bad output file name '../etc/passwd' in files"
        ),
        ("[a]\ndisabled = maybe", "x.rules:2: bad disabled 'maybe': expected yes or no"),
        (
            "[a]\ntitle = t\nseverity = info\nfiles = log\npattern = x\nrole = culprit",
            "x.rules:6: bad role 'culprit': expected cause, consequence or context"
        ),
        (
            "[a]\ntitle = t\nseverity = info\nfiles = log\npattern = (x)\nnear = (y)\nheadline = {3}",
            "x.rules:7: headline uses {3} but pattern and near have 2 group(s)"
        ),
        (
            "[a]\ntitle = t\nseverity = info\nfiles = log\npattern = x\nnear = (y",
            "x.rules:6: near is not a valid regular expression: (y"
        ),
        (
            "[a]\ntitle = t\nseverity = info\nfiles = log\npattern = x\npriority = high",
            "x.rules:6: bad priority 'high': expected a whole number from -1000 to 1000"
        ),
    ]

    @Test("role, headline, near and priority are read")
    func causeKeys() throws {
        let text = """
            [null]
            title = NULL
            severity = critical
            files = log
            pattern = NULL pointer dereference, address: (\\S+)
            near = #PF: \\w+ (write|read) access
            headline = NULL pointer dereference ([{2} at ]{1})
            role = consequence
            priority = 5
            """
        let rule = try #require(try RuleParser.parse(text, path: "x.rules").first)
        #expect(rule.role == .consequence)
        #expect(rule.priority == 5)
        #expect(rule.near == "#PF: \\w+ (write|read) access")
        #expect(rule.headline == "NULL pointer dereference ([{2} at ]{1})")
        let findings = RuleEngine.evaluate(
            [rule], outputs: ["log": "BUG: kernel NULL pointer dereference, address: 0000000000000010\n#PF: supervisor read access in kernel mode"])
        #expect(findings.first?.cause == "NULL pointer dereference (read at 0000000000000010)")
        let alone = RuleEngine.evaluate([rule], outputs: ["log": "BUG: kernel NULL pointer dereference, address: 10"])
        #expect(alone.first?.cause == "NULL pointer dereference (10)", "an optional part with empty groups is left out")
        #expect(alone.first?.logLine == 0)
    }

    @Test("a bad rule file is an error naming file and line", arguments: errors)
    func reportsErrors(_ example: (text: String, message: String)) {
        #expect {
            _ = try RuleParser.parse(example.text, path: "x.rules")
        } throws: { error in
            guard let error = error as? RuleError else { return false }
            return error.description == "rules " + example.message && error.exitStatus == .configuration
        }
    }

    @Test("a disabled rule needs only its ID")
    func disabled() throws {
        let rules = try RuleParser.parse("[oom-kill]\ndisabled = yes\n", path: "site.rules")
        #expect(rules.first?.disabled == true)
    }

    @Test("conditions compare a captured number")
    func conditions() throws {
        let condition = try #require(Rule.Condition.parse("{1} >= 10"))
        #expect(condition.holds(for: "10"))
        #expect(!condition.holds(for: "9.5"))
        #expect(!condition.holds(for: "ten"))
        #expect(Rule.Condition.parse("{1} < -1.5")?.value == -1.5)
        #expect(Rule.Condition.parse("1 < 5") == nil)
    }
}

import Foundation

/// Runs rules over the text of a job's output files and reports what fired.
///
/// Pure: the caller reads the files and hands their text in by name.
public enum RuleEngine {
    /// How many distinct details a finding keeps.
    public static let detailLimit = 20

    /// The findings of every enabled rule that fires, most severe first, ties in rule order.
    public static func evaluate(_ rules: [Rule], outputs: [String: String]) -> [Finding] {
        var texts: [String: OutputText] = [:]
        var findings: [(order: Int, finding: Finding)] = []
        for (order, rule) in rules.enumerated() where !rule.disabled {
            guard let finding = evaluate(rule, outputs: outputs, texts: &texts) else { continue }
            findings.append((order, finding))
        }
        return findings.sorted { ($0.finding.severity, $0.order) < ($1.finding.severity, $1.order) }.map(\.finding)
    }

    /// The finding of one rule, or nil when it does not fire.
    static func evaluate(_ rule: Rule, outputs: [String: String], texts: inout [String: OutputText]) -> Finding? {
        guard let pattern = try? NSRegularExpression(pattern: rule.pattern, options: [.anchorsMatchLines]) else {
            return nil
        }
        let unless = rule.unless.flatMap { try? NSRegularExpression(pattern: $0, options: [.anchorsMatchLines]) }
        var count = 0
        var files: [String] = []
        var details: [String] = []
        var evidence: String?
        for file in rule.files {
            guard let raw = outputs[file] else { continue }
            if texts[file] == nil { texts[file] = OutputText(raw) }
            let output = texts[file]!
            var matchedHere = false
            for index in output.candidateLines(pattern) {
                let string = output.lines[index]
                let range = NSRange(string.startIndex..., in: string)
                guard let match = pattern.firstMatch(in: string, options: [], range: range) else { continue }
                if let unless, matches(unless, string) { continue }
                if let condition = rule.when, !condition.holds(for: group(condition.group, of: match, in: string)) {
                    continue
                }
                count += 1
                matchedHere = true
                if evidence == nil { evidence = string.trimmingCharacters(in: .whitespaces) }
                if let template = rule.detail, details.count < detailLimit {
                    let rendered = render(template, match: match, in: string)
                    if !rendered.isEmpty, !details.contains(rendered) { details.append(rendered) }
                }
            }
            if matchedHere { files.append(file) }
        }
        guard count >= rule.minCount else { return nil }
        return Finding(
            id: rule.id, severity: rule.severity, title: rule.title, details: details, count: count, files: files,
            evidence: evidence ?? "", reference: rule.reference)
    }

    /// True when the regular expression matches somewhere in `text`.
    static func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, options: [], range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// The text of capture group `index`; empty when the group did not take part in the match.
    static func group(_ index: Int, of match: NSTextCheckingResult, in string: String) -> String {
        guard index < match.numberOfRanges, let range = Range(match.range(at: index), in: string) else { return "" }
        return String(string[range])
    }

    /// `template` with each `{N}` replaced by capture group N of `match`, trimmed.
    static func render(_ template: String, match: NSTextCheckingResult, in string: String) -> String {
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"), let index = Int(rest[afterOpen..<close]) {
                result += group(index, of: match, in: string)
                rest = rest[rest.index(after: close)...]
            } else {
                result += "{"
                rest = rest[afterOpen...]
            }
        }
        result += rest
        return result.trimmingCharacters(in: .whitespaces)
    }

    /// The group numbers a template refers to (`{1}` → 1).
    static func placeholders(in template: String) -> [Int] {
        var groups: [Int] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}") else { break }
            if let index = Int(rest[afterOpen..<close]) { groups.append(index) }
            rest = rest[rest.index(after: close)...]
        }
        return groups
    }
}

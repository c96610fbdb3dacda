import Foundation

/// Runs rules over the text of a job's output files and reports what fired.
///
/// Pure: the caller reads the files and hands their text in by name.
public enum RuleEngine {
    /// How many distinct details a finding keeps.
    public static let detailLimit = 20

    /// The findings of every enabled rule that fires, in ranked order: the first is the headline.
    ///
    /// Ranked by, in turn: higher `priority`; role (causes, then consequences, then context); weight
    /// (critical and error before warning and info); the earliest first counting line in the kernel log
    /// `logFile` (findings without one after those with one); severity; rule order. So the event the
    /// others follow wins: the NULL dereference over the oops header and "Fatal exception" printed after it,
    /// the hung tasks over the sysrq crash an operator triggered later.
    public static func evaluate(_ rules: [Rule], outputs: [String: String], logFile: String? = JobLayout.log) -> [Finding] {
        var texts: [String: OutputText] = [:]
        var findings: [(order: Int, finding: Finding)] = []
        for (order, rule) in rules.enumerated() where !rule.disabled {
            guard let finding = evaluate(rule, outputs: outputs, texts: &texts, logFile: logFile) else { continue }
            findings.append((order, finding))
        }
        let ranked = findings.sorted {
            rankKey($0.finding, $0.order).lexicographicallyPrecedes(rankKey($1.finding, $1.order))
        }
        return ranked.map(\.finding)
    }

    /// The sort key of ``evaluate(_:outputs:logFile:)``, smallest first.
    static func rankKey(_ finding: Finding, _ order: Int) -> [Int] {
        let weight = finding.severity <= .error ? 0 : 1
        return [
            -finding.priority, finding.role.rank, weight, finding.logLine ?? Int.max, finding.severity.rank, order,
        ]
    }

    /// The finding of one rule, or nil when it does not fire.
    static func evaluate(
        _ rule: Rule, outputs: [String: String], texts: inout [String: OutputText], logFile: String? = JobLayout.log
    ) -> Finding? {
        guard let pattern = try? NSRegularExpression(pattern: rule.pattern, options: [.anchorsMatchLines]) else {
            return nil
        }
        let unless = rule.unless.flatMap { try? NSRegularExpression(pattern: $0, options: [.anchorsMatchLines]) }
        var count = 0
        var files: [String] = []
        var details: [String] = []
        var evidence: String?
        var logLine: Int?
        var cause: String?
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
                if file == logFile, logLine == nil { logLine = index }
                if let template = rule.headline, cause == nil || (file == logFile && logLine == index) {
                    cause = renderHeadline(template, rule: rule, match: match, line: index, in: output)
                }
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
            evidence: evidence ?? "", reference: rule.reference, role: rule.role, logLine: logLine, cause: cause,
            priority: rule.priority)
    }

    /// A rule's `headline` for the match on line `line` of `output`, with the groups of `near` found in the
    /// lines after it.
    static func renderHeadline(
        _ template: String, rule: Rule, match: NSTextCheckingResult, line: Int, in output: OutputText
    ) -> String {
        let string = output.lines[line]
        var values = (0..<match.numberOfRanges).map { group($0, of: match, in: string) }
        if let near = rule.near, let regex = try? NSRegularExpression(pattern: near, options: [.anchorsMatchLines]) {
            var found: [String] = Array(repeating: "", count: regex.numberOfCaptureGroups)
            for index in (line + 1)..<min(output.lines.count, line + 1 + Rule.nearLines) {
                let candidate = output.lines[index]
                if let hit = regex.firstMatch(in: candidate, range: NSRange(candidate.startIndex..., in: candidate)) {
                    found = (1...max(1, regex.numberOfCaptureGroups)).map { group($0, of: hit, in: candidate) }
                    break
                }
            }
            values += found.prefix(regex.numberOfCaptureGroups)
        }
        return renderOptional(template) { $0 < values.count ? values[$0] : "" }
    }

    /// `template` with `{N}` replaced by `value(N)`; a `[…]` part is kept (without its brackets) only when
    /// a placeholder in it has a value. Runs of spaces are collapsed.
    static func renderOptional(_ template: String, value: (Int) -> String) -> String {
        var result = ""
        var rest = Substring(template)
        while !rest.isEmpty {
            if rest.first == "[", let close = rest.firstIndex(of: "]") {
                let part = rest[rest.index(after: rest.startIndex)..<close]
                let groups = placeholders(in: String(part))
                if groups.contains(where: { !value($0).isEmpty }) { result += substitute(part, value: value) }
                rest = rest[rest.index(after: close)...]
            } else {
                let end = rest.dropFirst().firstIndex(of: "[") ?? rest.endIndex
                result += substitute(rest[..<end], value: value)
                rest = rest[end...]
            }
        }
        let collapsed = result.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        return collapsed.replacingOccurrences(of: "( ", with: "(").replacingOccurrences(of: " )", with: ")")
            .replacingOccurrences(of: "()", with: "").trimmingCharacters(in: .whitespaces)
    }

    /// `text` with each `{N}` replaced by `value(N)`.
    static func substitute(_ text: Substring, value: (Int) -> String) -> String {
        var result = ""
        var rest = text
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let afterOpen = rest.index(after: open)
            if let close = rest[afterOpen...].firstIndex(of: "}"), let index = Int(rest[afterOpen..<close]) {
                result += value(index)
                rest = rest[rest.index(after: close)...]
            } else {
                result += "{"
                rest = rest[afterOpen...]
            }
        }
        return result + rest
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

import Foundation

/// Reads the rules file format: `[id]` sections of `key = value` lines, `#`/`;` comment lines.
///
/// Values run to the end of the line (a regular expression may contain `=`, `#` or `;`); only the
/// first `=` separates key and value. Every problem names the file and line.
public enum RuleParser {
    /// The keys a rule section accepts.
    public static let keys = [
        "title", "severity", "files", "pattern", "detail", "unless", "min-count", "when", "reference", "disabled",
        "role", "headline", "near", "priority",
    ]

    /// Parses the text of one rules file; `path` is used in messages and origins.
    public static func parse(_ text: String, path: String) throws(RuleError) -> [Rule] {
        var rules: [Rule] = []
        var current: Section?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                if let section = current { rules.append(try section.rule(path: path)) }
                guard line.hasSuffix("]") else {
                    throw .syntax(path: path, line: lineNumber, message: "unclosed section header '\(line)'")
                }
                let id = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                guard isValidID(id) else {
                    throw .syntax(
                        path: path, line: lineNumber,
                        message: "bad rule id '\(id)': use letters, digits, '.', '_' and '-'")
                }
                current = Section(id: id, line: lineNumber)
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw .syntax(
                    path: path, line: lineNumber, message: "expected 'key = value' or '[rule-id]', got '\(line)'")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard current != nil else {
                throw .syntax(path: path, line: lineNumber, message: "'\(key)' before the first [rule-id] section")
            }
            guard keys.contains(key) else {
                let hint = Suggest.nearest(key, in: keys).map { " (did you mean '\($0)'?)" } ?? ""
                throw .syntax(path: path, line: lineNumber, message: "unknown key '\(key)'\(hint)")
            }
            guard current!.values[key] == nil else {
                throw .syntax(path: path, line: lineNumber, message: "'\(key)' given twice in [\(current!.id)]")
            }
            guard !value.isEmpty else {
                throw .syntax(path: path, line: lineNumber, message: "empty value for '\(key)'")
            }
            current!.values[key] = (value, lineNumber)
        }
        if let section = current { rules.append(try section.rule(path: path)) }
        return rules
    }

    static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }

    /// The lines of one `[id]` section, turned into a checked ``Rule``.
    private struct Section {
        var id: String
        var line: Int
        var values: [String: (text: String, line: Int)] = [:]

        func rule(path: String) throws(RuleError) -> Rule {
            let disabled = try flag("disabled", path: path)
            func required(_ key: String) throws(RuleError) -> String {
                if let value = values[key] { return value.text }
                if disabled { return "" }
                throw .syntax(path: path, line: line, message: "rule [\(id)] has no '\(key)'")
            }
            let severityText = try required("severity")
            let severity = Severity(rawValue: severityText.lowercased())
            guard disabled || severity != nil else {
                throw .syntax(
                    path: path, line: values["severity"]!.line,
                    message: "bad severity '\(severityText)': expected critical, error, warning or info")
            }
            let pattern = try required("pattern")
            let groups = disabled ? 0 : try compile(pattern, key: "pattern", path: path).numberOfCaptureGroups
            if let unless = values["unless"] { _ = try compile(unless.text, key: "unless", path: path) }
            let nearGroups = try values["near"].map { near throws(RuleError) in
                try compile(near.text, key: "near", path: path).numberOfCaptureGroups
            } ?? 0
            if let headline = values["headline"] {
                for group in RuleEngine.placeholders(in: headline.text) where group > groups + nearGroups {
                    throw .syntax(
                        path: path, line: headline.line,
                        message: "headline uses {\(group)} but pattern and near have \(groups + nearGroups) group(s)")
                }
            }
            var role = Role.cause
            if let text = values["role"] {
                guard let parsed = Role(rawValue: text.text.lowercased()) else {
                    throw .syntax(
                        path: path, line: text.line,
                        message: "bad role '\(text.text)': expected cause, consequence or context")
                }
                role = parsed
            }
            var priority = 0
            if let text = values["priority"] {
                guard let number = Int(text.text), (-1000...1000).contains(number) else {
                    throw .syntax(
                        path: path, line: text.line,
                        message: "bad priority '\(text.text)': expected a whole number from -1000 to 1000")
                }
                priority = number
            }
            if let detail = values["detail"] {
                for group in RuleEngine.placeholders(in: detail.text) where group > groups {
                    throw .syntax(
                        path: path, line: detail.line,
                        message: "detail uses {\(group)} but the pattern has \(groups) capture group(s)")
                }
            }
            var minCount = 1
            if let text = values["min-count"] {
                guard let number = Int(text.text), number >= 1 else {
                    throw .syntax(
                        path: path, line: text.line,
                        message: "bad min-count '\(text.text)': expected a whole number ≥ 1")
                }
                minCount = number
            }
            var condition: Rule.Condition?
            if let text = values["when"] {
                guard let parsed = Rule.Condition.parse(text.text) else {
                    throw .syntax(
                        path: path, line: text.line,
                        message: "bad when '\(text.text)': expected '{N} < NUMBER' (or <=, >, >=, ==, !=)")
                }
                guard parsed.group <= groups else {
                    throw .syntax(
                        path: path, line: text.line,
                        message: "when uses {\(parsed.group)} but the pattern has \(groups) capture group(s)")
                }
                condition = parsed
            }
            let files = try required("files").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if !disabled, let bad = files.first(where: { $0.isEmpty || $0.contains("/") || $0 == ".." }) {
                throw .syntax(
                    path: path, line: values["files"]!.line, message: "bad output file name '\(bad)' in files")
            }
            return Rule(
                id: id, title: try required("title"), severity: severity ?? .info, files: files, pattern: pattern,
                detail: values["detail"]?.text, unless: values["unless"]?.text, minCount: minCount, when: condition,
                reference: values["reference"]?.text, disabled: disabled, origin: "\(path):\(line)", role: role,
                headline: values["headline"]?.text, near: values["near"]?.text, priority: priority)
        }

        private func flag(_ key: String, path: String) throws(RuleError) -> Bool {
            guard let value = values[key] else { return false }
            switch value.text.lowercased() {
            case "yes", "true", "on", "1": return true
            case "no", "false", "off", "0": return false
            default:
                throw .syntax(path: path, line: value.line, message: "bad \(key) '\(value.text)': expected yes or no")
            }
        }

        private func compile(_ pattern: String, key: String, path: String) throws(RuleError) -> NSRegularExpression {
            do {
                return try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
            } catch {
                throw .syntax(
                    path: path, line: values[key]!.line, message: "\(key) is not a valid regular expression: \(pattern)"
                )
            }
        }
    }
}

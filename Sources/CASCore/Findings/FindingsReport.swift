import Foundation

/// The first-pass findings of one job: the facts always read, the rules that fired, and their text.
public struct FindingsReport: Codable, Sendable, Equatable {
    public var facts: CrashFacts
    /// Most severe first.
    public var findings: [Finding]

    public init(facts: CrashFacts, findings: [Finding]) {
        self.facts = facts
        self.findings = findings
    }

    /// One line a mail subject or body can start with.
    public var headline: String {
        let task = facts.task.map { " — \($0.summary)" } ?? ""
        if let top = findings.first { return "\(top.severity.rawValue.uppercased()): \(top.headline)\(task)" }
        if let panic = facts.panic { return "No known problem signature; panic: \(panic)\(task)" }
        return "No known problem signature and no panic string found\(task)"
    }

    /// The whole of findings.txt: headline, facts, then every finding most severe first.
    public var summary: String {
        var lines = [headline, ""]
        func fact(_ label: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            lines.append(label.padding(toLength: 15, withPad: " ", startingAt: 0) + value)
        }
        fact("Panic:", facts.panic)
        fact("Task:", facts.task?.summary)
        fact("Triggered by:", facts.trigger)
        fact("Exception RIP:", facts.exceptionRIP)
        fact("Backtrace:", facts.frames.isEmpty ? nil : facts.frames.joined(separator: " < "))
        fact("Taint:", facts.taint?.summary)
        fact("Uptime:", facts.uptime)
        lines.append("")
        if findings.isEmpty {
            lines.append("No rule matched.")
        } else {
            lines.append("Findings (most severe first):")
            for finding in findings {
                let label = "[\(finding.severity.rawValue.uppercased())]".padding(
                    toLength: 11, withPad: " ", startingAt: 0)
                let times = finding.count == 1 ? "1 line" : "\(finding.count) lines"
                lines.append(
                    "\(label)\(finding.id): \(finding.title) (\(times) in \(finding.files.joined(separator: ", ")))")
                let indent = String(repeating: " ", count: 11)
                if !finding.details.isEmpty { lines.append(indent + finding.details.joined(separator: ", ")) }
                lines.append(indent + "> " + finding.evidence)
                if let reference = finding.reference { lines.append(indent + "see " + reference) }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The entry points the job pipeline, the mail and `cas findings` call.
public enum Findings {
    /// The output files rules and facts read, at most this many bytes each (the start is kept).
    public static let outputLimit = 64 << 20

    /// Reads the job's outputs, loads the built-in and site rules, and evaluates them.
    public static func evaluate(
        jobDirectory: String, siteRules: String?, builtinRules: String? = nil
    ) throws(FindingsError) -> FindingsReport {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: jobDirectory, isDirectory: &isDirectory), isDirectory.boolValue
        else { throw .noJobDirectory(jobDirectory) }
        let rules: [Rule]
        do { rules = try RuleSet.load(builtin: builtinRules, site: siteRules) } catch { throw .rules(error) }
        let names = Set(rules.flatMap(\.files)).union(["sys", "traceback", "log", "dmesg"])
        var outputs = readOutputs(names, in: jobDirectory)
        // Before crash has run (or when it cannot), the log CAS read from the dump itself stands in for `log`.
        if outputs["log"] == nil, let dmesg = outputs["dmesg"] { outputs["log"] = dmesg }
        return evaluate(rules: rules, outputs: outputs)
    }

    /// Evaluates the rules on the job and writes findings.txt and job.json: what the job pipeline calls
    /// after crash has run, and `cas findings` after a site adds a rule.
    @discardableResult
    public static func run(jobDirectory: String, siteRules: String?) throws(FindingsError) -> FindingsReport {
        let report = try evaluate(jobDirectory: jobDirectory, siteRules: siteRules)
        try report.write(to: jobDirectory)
        return report
    }

    /// Evaluates `rules` over output texts by file name.
    public static func evaluate(rules: [Rule], outputs: [String: String]) -> FindingsReport {
        FindingsReport(facts: CrashFacts.extract(from: outputs), findings: RuleEngine.evaluate(rules, outputs: outputs))
    }

    /// The text of each named output file that exists (invalid UTF-8 repaired, at most ``outputLimit`` bytes).
    static func readOutputs(_ names: Set<String>, in directory: String) -> [String: String] {
        var outputs: [String: String] = [:]
        for name in names {
            guard let handle = FileHandle(forReadingAtPath: directory + "/" + name) else { continue }
            defer { try? handle.close() }
            guard let data = try? handle.read(upToCount: outputLimit) else { continue }
            outputs[name] = String(decoding: data, as: UTF8.self)
        }
        return outputs
    }
}

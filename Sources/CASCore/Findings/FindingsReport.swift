import Foundation

/// The first-pass findings of one job: the facts always read, the rules that fired, and their text.
public struct FindingsReport: Codable, Sendable, Equatable {
    public var facts: CrashFacts
    /// In ranked order (``RuleEngine/evaluate(_:outputs:logFile:)``): the first is the cause.
    public var findings: [Finding]
    /// What went wrong: the first finding's headline text; nil when no rule fired.
    public var cause: String?
    /// Where: the function (and module) the cause happened in, when the kernel's report or crash's `bt` tells.
    public var culprit: Culprit?
    /// In which task: the one the cause names (the blocked task of a hung task report, the OOM victim), else
    /// the crashing task.
    public var task: CulpritTask?

    public init(facts: CrashFacts, findings: [Finding], culprit: Culprit? = nil, task: CulpritTask? = nil) {
        self.facts = facts
        self.findings = findings
        self.cause = findings.first?.headline
        self.culprit = culprit
        self.task = task ?? facts.task.map { CulpritTask(pid: $0.pid, command: $0.command, cpu: $0.cpu) }
    }

    /// One line a mail subject or body can start with: cause, culprit, task.
    ///
    /// `NULL pointer dereference (write to 0000000000000020) in faulty_store_null [faulty] — PID 87
    /// "kworker/0:1" on CPU 0`.
    public var headline: String {
        let task = self.task.map { " — \($0.summary)" } ?? ""
        let place = culprit.map { " in \($0.short)" } ?? ""
        if let cause { return "\(cause)\(place)\(task)" }
        if let panic = facts.panic { return "No known problem signature; panic: \(panic)\(place)\(task)" }
        return "No known problem signature and no panic string found\(place)\(task)"
    }

    /// The whole of findings.txt: headline, facts, then every finding most severe first.
    public var summary: String {
        var lines = [headline, ""]
        func fact(_ label: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            lines.append(label.padding(toLength: 15, withPad: " ", startingAt: 0) + value)
        }
        fact("Cause:", cause)
        fact("Culprit:", culprit?.summary)
        if let stack = culprit?.stack, stack.count > 1 { fact("Its stack:", stack.joined(separator: " < ")) }
        fact("Task:", task?.summary)
        fact("Panic:", facts.panic)
        if let crashing = facts.task, crashing.pid != task?.pid { fact("Panic task:", crashing.summary) }
        fact("Triggered by:", facts.trigger)
        fact("Exception RIP:", facts.exceptionRIP)
        fact("Backtrace:", facts.frames.isEmpty ? nil : facts.frames.joined(separator: " < "))
        fact("Taint:", facts.taint?.summary)
        fact("Uptime:", facts.uptime)
        lines.append("")
        if findings.isEmpty {
            lines.append("No rule matched.")
        } else {
            lines.append("Findings (the cause first):")
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
public enum FindingsEngine {
    /// The output files rules and facts read, at most this many bytes each (the start is kept).
    public static let outputLimit = 64 << 20

    /// Reads the job's outputs, loads the built-in and site rules, and evaluates them.
    public static func evaluate(
        jobDirectory: String, siteRules: String?, builtinRules: String? = nil
    ) throws(FindingsError) -> FindingsReport {
        var st = stat()
        guard stat(jobDirectory, &st) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw .noJobDirectory(jobDirectory) }
            throw .unreadableJobDirectory(jobDirectory, String(cString: strerror(errno)))
        }
        guard st.st_mode & S_IFMT == S_IFDIR else { throw .noJobDirectory(jobDirectory) }
        guard access(jobDirectory, R_OK | X_OK) == 0 else {
            throw .unreadableJobDirectory(jobDirectory, String(cString: strerror(errno)))
        }
        let rules: [Rule]
        do { rules = try RuleSet.load(builtin: builtinRules, site: siteRules) } catch { throw .rules(error) }
        let names = Set(rules.flatMap(\.files))
            .union([JobLayout.sys, JobLayout.traceback, JobLayout.log, JobLayout.dmesg])
        var outputs = readOutputs(names, in: jobDirectory)
        // Before crash has run (or when it cannot), the log CAS read from the dump itself stands in for `log`,
        // so the rules written for `files = log` read it.
        if outputs[JobLayout.log] == nil, let dmesg = outputs[JobLayout.dmesg] { outputs[JobLayout.log] = dmesg }
        var report = evaluate(rules: rules, outputs: outputs)
        if let crash = crashDiagnosis(jobDirectory: jobDirectory) { report.findings.append(crash) }
        return report
    }

    /// Evaluates the rules on the job and writes findings.txt and job.json: what the job pipeline calls
    /// after crash has run, and `cas findings` after a site adds a rule.
    @discardableResult
    public static func run(jobDirectory: String, siteRules: String?) throws(FindingsError) -> FindingsReport {
        let report = try evaluate(jobDirectory: jobDirectory, siteRules: siteRules)
        try report.write(to: jobDirectory)
        return report
    }

    /// Evaluates `rules` over output texts by file name, then reads the culprit of the first finding.
    public static func evaluate(rules: [Rule], outputs: [String: String]) -> FindingsReport {
        let facts = CrashFacts.extract(from: outputs)
        let logFile = kernelLog(in: outputs)
        let findings = RuleEngine.evaluate(rules, outputs: outputs, logFile: logFile)
        var culprit: Culprit?
        var task: CulpritTask?
        if let logFile, let line = findings.first?.logLine, let text = outputs[logFile] {
            (culprit, task) = CulpritReader.read(lines: text.components(separatedBy: "\n"), start: line)
            if let top = findings.first, isHardware(top) { culprit = nil }
        }
        // crash's `bt` is the panic task's: it tells the culprit only when the log has no report of the cause.
        if culprit == nil, findings.first?.logLine == nil,
            findings.first.map({ !isOutOfMemory($0) && !isHardware($0) }) ?? true
        {
            culprit = crashCulprit(facts, log: logFile.flatMap { outputs[$0] })
        }
        if let known = task, known.cpu == nil, let crashing = facts.task, crashing.pid == known.pid {
            task?.cpu = crashing.cpu
        }
        return FindingsReport(facts: facts, findings: findings, culprit: culprit, task: task)
    }

    /// The name of the kernel log among the outputs: crash's `log`, else the `dmesg` read from the dump itself.
    public static func kernelLog(in outputs: [String: String]) -> String? {
        if let log = outputs[JobLayout.log], !log.isEmpty { return JobLayout.log }
        if let dmesg = outputs[JobLayout.dmesg], !dmesg.isEmpty { return JobLayout.dmesg }
        return nil
    }

    static func isOutOfMemory(_ finding: Finding) -> Bool {
        finding.evidence.contains("invoked oom-killer") || finding.evidence.contains("Out of memory")
    }

    /// A machine check (the hardware's fault) or a sysrq crash (deliberate): no function is to blame.
    static func isHardware(_ finding: Finding) -> Bool {
        finding.evidence.contains("[Hardware Error]") || finding.evidence.contains("Trigger a crash")
            || finding.evidence.contains("sysrq triggered crash")
    }

    /// The culprit from crash's `bt` when the log has none: the `Exception RIP` unless it is a reporting or
    /// waiting function, else the first frame that is not.
    static func crashCulprit(_ facts: CrashFacts, log: String?) -> Culprit? {
        let taints = log.map { CulpritReader.moduleTaints($0.components(separatedBy: "\n")) } ?? [:]
        func module(of function: String) -> String? {
            facts.frames.indices.first { facts.frames[$0] == function }.flatMap { facts.frameModules[$0] }
        }
        if let rip = facts.exceptionRIP, let plus = rip.firstIndex(of: "+") {
            let function = String(rip[..<plus])
            if !CulpritReader.isInfrastructure(function) {
                let module = module(of: function)
                return Culprit(
                    function: function, offset: String(rip[plus...]), module: module,
                    moduleTaint: module.flatMap { taints[$0] }, source: "crash", stack: Array(facts.frames.prefix(6)))
            }
        }
        guard let index = facts.frames.indices.first(where: { !CulpritReader.isInfrastructure(facts.frames[$0]) })
        else { return nil }
        let module = facts.frameModules[index]
        return Culprit(
            function: facts.frames[index], module: module, moduleTaint: module.flatMap { taints[$0] },
            source: "crash", stack: Array(facts.frames.prefix(6)))
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

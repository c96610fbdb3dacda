/// One rule that fired on a job: what it found, how often, where, and the values it collected.
public struct Finding: Codable, Sendable, Equatable {
    /// The rule's ID.
    public var id: String
    public var severity: Severity
    /// The rule's title.
    public var title: String
    /// Distinct values the rule's `detail` collected (task names, devices, addresses), in order seen.
    public var details: [String]
    /// How many lines counted.
    public var count: Int
    /// The output files that had counting lines.
    public var files: [String]
    /// The first counting line, trimmed.
    public var evidence: String
    public var reference: String?
    public var role: Role
    /// The line number (from 0) of the first counting line in the kernel log (``Findings/kernelLog(in:)``),
    /// nil when the rule did not count a line there: what "earliest" compares.
    public var logLine: Int?
    /// The rule's `headline` rendered from its first counting line; nil when the rule has none.
    public var cause: String?
    /// The rule's `priority`.
    public var priority: Int

    public init(
        id: String, severity: Severity, title: String, details: [String], count: Int, files: [String],
        evidence: String, reference: String?, role: Role = .cause, logLine: Int? = nil, cause: String? = nil,
        priority: Int = 0
    ) {
        self.id = id
        self.severity = severity
        self.title = title
        self.details = details
        self.count = count
        self.files = files
        self.evidence = evidence
        self.reference = reference
        self.role = role
        self.logLine = logLine
        self.cause = cause
        self.priority = priority
    }

    /// The rendered `headline` of the rule, else the title with the first few details:
    /// "Hung tasks: kworker/0:1, jbd2/sda1-8 (+3 more)".
    public var headline: String {
        if let cause, !cause.isEmpty { return details.count > 1 ? "\(cause) (+\(details.count - 1) more)" : cause }
        guard !details.isEmpty else { return title }
        let shown = details.prefix(3).joined(separator: ", ")
        let more = details.count > 3 ? " (+\(details.count - 3) more)" : ""
        return "\(title): \(shown)\(more)"
    }
}

import Foundation

/// How much a finding matters, most severe first.
public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
    case critical
    case error
    case warning
    case info

    /// Position in "most severe first" order.
    var rank: Int { Severity.allCases.firstIndex(of: self)! }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// What a rule's event is to the crash: the event itself, what follows from one, or background.
///
/// The headline is the first finding in ranked order: causes before consequences before context
/// (see ``RuleEngine/evaluate(_:outputs:)``).
public enum Role: String, Codable, Sendable, CaseIterable {
    /// An event that can bring a kernel down on its own: an oops, a BUG, a lockup, OOM, an explicit panic.
    case cause
    /// What the kernel does after a cause: "Fatal exception", "panic_on_warn set", the oops header.
    /// Headlines only when no cause fired.
    case consequence
    /// Background worth listing (taint notices, statistics); headlines only when nothing else fired.
    case context

    var rank: Int { Role.allCases.firstIndex(of: self)! }
}

/// One findings rule, as read from a rules file (see docs: "Rule format").
///
/// A rule matches its `pattern` line by line in each of its output `files`; a line counts when the
/// `unless` pattern does not match it and the `when` condition holds; the rule fires when at least
/// `minCount` lines count.
public struct Rule: Sendable, Equatable {
    /// Unique name; a site rule with the same ID replaces the built-in one.
    public var id: String
    /// One line saying what was found, for the headline and findings.txt.
    public var title: String
    public var severity: Severity
    /// Output file names in the job directory (`log`, `sys`, `memory`…).
    public var files: [String]
    /// Regular expression (ICU syntax) matched against each line.
    public var pattern: String
    /// Per-line text collected into the finding's details: `{0}` the line's match, `{1}`… capture groups.
    public var detail: String?
    /// Lines that also match this regular expression do not count.
    public var unless: String?
    /// Fires only when at least this many lines count.
    public var minCount: Int
    /// A numeric test on a capture group that a line must pass to count (`{1} < 5`).
    public var when: Condition?
    /// Where to read more (a KB article, a bug, kernel documentation).
    public var reference: String?
    /// Cause, consequence or context; a rule without `role` is a cause.
    public var role: Role
    /// The headline text when this finding leads, rendered from its first counting line: `{N}` groups of
    /// `pattern` then of `near`; `[…]` parts are left out when a group in them is empty.
    public var headline: String?
    /// A regular expression looked for in the lines just after the first counting line (up to
    /// ``Rule/nearLines``); its groups follow the pattern's in `headline` (`#PF: supervisor write access`).
    public var near: String?
    /// Ranks before everything else when higher (default 0): a site's way to put its rule first.
    public var priority: Int
    /// A site rule that switches off the built-in rule of the same ID.
    public var disabled: Bool
    /// `file:line` where the rule starts, for messages.
    public var origin: String

    public init(
        id: String, title: String, severity: Severity, files: [String], pattern: String, detail: String?,
        unless: String?, minCount: Int, when: Condition?, reference: String?, disabled: Bool, origin: String,
        role: Role = .cause, headline: String? = nil, near: String? = nil, priority: Int = 0
    ) {
        self.id = id
        self.title = title
        self.severity = severity
        self.files = files
        self.pattern = pattern
        self.detail = detail
        self.unless = unless
        self.minCount = minCount
        self.when = when
        self.reference = reference
        self.disabled = disabled
        self.origin = origin
        self.role = role
        self.headline = headline
        self.near = near
        self.priority = priority
    }

    /// How many lines after the first counting line `near` is looked for.
    public static let nearLines = 8

    /// A numeric comparison of one capture group with a constant.
    public struct Condition: Sendable, Equatable {
        public enum Comparison: String, Sendable, CaseIterable {
            case lessOrEqual = "<="
            case greaterOrEqual = ">="
            case equal = "=="
            case notEqual = "!="
            case less = "<"
            case greater = ">"
        }

        public var group: Int
        public var comparison: Comparison
        public var value: Double

        public init(group: Int, comparison: Comparison, value: Double) {
            self.group = group
            self.comparison = comparison
            self.value = value
        }

        /// True when the captured text is a number that satisfies the comparison.
        public func holds(for captured: String) -> Bool {
            guard let number = Double(captured.trimmingCharacters(in: .whitespaces)) else { return false }
            switch comparison {
            case .less: return number < value
            case .lessOrEqual: return number <= value
            case .greater: return number > value
            case .greaterOrEqual: return number >= value
            case .equal: return number == value
            case .notEqual: return number != value
            }
        }

        /// Parses `{N} OP NUMBER`; nil when the text is not of that shape.
        public static func parse(_ text: String) -> Condition? {
            var rest = Substring(text.trimmingCharacters(in: .whitespaces))
            guard rest.hasPrefix("{"), let close = rest.firstIndex(of: "}"),
                let group = Int(rest[rest.index(after: rest.startIndex)..<close]), (0...99).contains(group)
            else { return nil }
            rest = rest[rest.index(after: close)...].drop(while: { $0 == " " })
            guard let comparison = Comparison.allCases.first(where: { rest.hasPrefix($0.rawValue) }) else { return nil }
            rest = rest.dropFirst(comparison.rawValue.count)
            guard let value = Double(rest.trimmingCharacters(in: .whitespaces)) else { return nil }
            return Condition(group: group, comparison: comparison, value: value)
        }
    }
}

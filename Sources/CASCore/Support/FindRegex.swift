import Foundation

/// A `find -iregex` pattern: an emacs-style regular expression matched case-insensitively
/// against a whole path, as the original CAS passed `rpmFilter` to `find`.
///
/// The syntax is GNU find's emacs syntax (checked against findutils 4.9): `\(`…`\)` group, `\|`
/// alternates, `\1`…`\9` refer back, `\w \W \s \S \b \B \< \> \` \'` are the GNU operators;
/// bare `(`, `)`, `|`, `{`, `}` and `\{`, `\}` are literal characters (emacs syntax has no intervals);
/// `^` and `$` anchor only at the ends of the pattern, a group or an alternative, and `*`, `+`, `?`
/// are literal where nothing precedes them. In a bracket expression backslash is literal and
/// `[:alpha:]` is not a class. The pattern is translated once to ICU syntax.
public struct FindRegex: @unchecked Sendable, CustomStringConvertible {
    /// The pattern as the user wrote it.
    public let pattern: String
    private let compiled: Compiled

    /// Why a pattern is not a valid expression.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// Compiles an emacs-style pattern; throws with the reason when it is not a valid expression.
    public init(_ pattern: String) throws(Invalid) {
        self.pattern = pattern
        compiled = Compiled(pattern)
        guard try compiled.regex() != nil else { throw Invalid(reason: "not a valid regular expression") }
    }

    /// One of our own patterns, known to be valid: translated and compiled on first use, because setting
    /// up ICU's regex engine costs milliseconds that commands never matching a package name
    /// (`cas identify`) would pay.
    init(builtIn pattern: String) {
        self.pattern = pattern
        compiled = Compiled(pattern)
    }

    /// True when the whole `path` matches.
    public func matches(_ path: String) -> Bool {
        guard case .success(let regex?) = Result(catching: { () throws(Invalid) in try compiled.regex() }) else {
            return false
        }
        return regex.firstMatch(in: path, options: [], range: NSRange(path.startIndex..., in: path)) != nil
    }

    public var description: String { pattern }

    /// The pattern translated to ICU and compiled, once, on first use.
    private final class Compiled: @unchecked Sendable {
        private let pattern: String
        private let lock = NSLock()
        private var result: Result<NSRegularExpression?, Invalid>?

        init(_ pattern: String) { self.pattern = pattern }

        /// The compiled expression, nil when ICU rejects it; throws when the pattern does not translate.
        func regex() throws(Invalid) -> NSRegularExpression? {
            try lock.withLock {
                if let result { return result }
                let made = Result { () throws(Invalid) -> NSRegularExpression? in
                    let translated = try FindRegex.translate(pattern)
                    return try? NSRegularExpression(
                        pattern: "\\A(?:" + translated + ")\\z", options: [.caseInsensitive, .dotMatchesLineSeparators])
                }
                result = made
                return made
            }.get()
        }
    }

    /// Emacs regex (GNU find's `-regextype emacs`) → ICU regex.
    static func translate(_ emacs: String) throws(Invalid) -> String {
        let chars = Array(emacs)
        var out = ""
        var i = 0
        var depth = 0
        // True where a `*`, `+` or `?` has nothing to repeat (pattern, group or alternative start).
        var atBranchStart = true
        // True right after a repetition operator, so runs like `*+` collapse (GNU reads `a*+` as `(a*)+`).
        var lastWasRepeat = false

        func isBranchEnd(_ index: Int) -> Bool {
            index == chars.count || (chars[index] == "\\" && index + 1 < chars.count && "|)".contains(chars[index + 1]))
        }

        while i < chars.count {
            let c = chars[i]
            var isRepeat = false
            var startsBranch = false
            switch c {
            case "\\":
                guard i + 1 < chars.count else { throw Invalid(reason: "trailing backslash") }
                let next = chars[i + 1]
                i += 2
                switch next {
                case "(":
                    out += "("
                    depth += 1
                    startsBranch = true
                case ")":
                    guard depth > 0 else { throw Invalid(reason: "unmatched \\)") }
                    out += ")"
                    depth -= 1
                case "|":
                    out += "|"
                    startsBranch = true
                case "`": out += "\\A"
                case "'": out += "\\z"
                case "<": out += "\\b(?=\\w)"
                case ">": out += "\\b(?<=\\w)"
                case "w", "W", "s", "S", "b", "B": out += "\\" + String(next)
                case "1"..."9": out += "(?:\\" + String(next) + ")"
                default: out += literal(next)
                }
            case "^" where atBranchStart:
                out += "^"
                startsBranch = true
                i += 1
            case "$" where isBranchEnd(i + 1):
                out += "$"
                i += 1
            case "*" where !atBranchStart, "+" where !atBranchStart, "?" where !atBranchStart:
                isRepeat = true
                if lastWasRepeat, let previous = out.popLast() {
                    // Collapse a run of operators into the one GNU means: a*+ = a*, a+? = a*, a++ = a+, a?? = a?.
                    out.append(previous == c && c != "*" ? c : "*")
                } else {
                    out.append(c)
                }
                i += 1
            case ".":
                out += "."
                i += 1
            case "[":
                let (set, end) = try bracket(chars, from: i)
                out += set
                i = end
            default:
                out += literal(c)
                i += 1
            }
            atBranchStart = startsBranch
            lastWasRepeat = isRepeat
        }
        guard depth == 0 else { throw Invalid(reason: "unmatched \\(") }
        return out
    }

    /// `c` as a literal in ICU syntax.
    static func literal(_ c: Character) -> String {
        c.isLetter || c.isNumber || c == " " || c == "/" || c == "-" || c == "_" ? String(c) : "\\" + String(c)
    }
}

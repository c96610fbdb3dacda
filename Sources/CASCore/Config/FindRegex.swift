import Foundation

/// A `find -iregex` pattern: an emacs-style regular expression matched case-insensitively
/// against a whole path, as the original CAS passed `rpmFilter` to `find`.
///
/// Emacs syntax groups with `\(`…`\)`, alternates with `\|` and bounds with `\{`…`\}`; bare
/// parentheses, bars and braces are literal characters. The pattern is translated once to ICU syntax.
public struct FindRegex: @unchecked Sendable, CustomStringConvertible {
    /// The pattern as the user wrote it.
    public let pattern: String
    private let regex: NSRegularExpression

    /// Compiles an emacs-style pattern; throws with ICU's reason when it is not a valid expression.
    public init(_ pattern: String) throws {
        self.pattern = pattern
        let translated = "^(?:" + Self.translate(pattern) + ")$"
        regex = try NSRegularExpression(pattern: translated, options: [.caseInsensitive])
    }

    /// True when the whole `path` matches.
    public func matches(_ path: String) -> Bool {
        let range = NSRange(path.startIndex..., in: path)
        return regex.firstMatch(in: path, options: [], range: range) != nil
    }

    public var description: String { pattern }

    /// Emacs regex → ICU regex.
    static func translate(_ emacs: String) -> String {
        var out = ""
        var chars = Array(emacs)
        var i = 0
        func peek(_ offset: Int) -> Character? { i + offset < chars.count ? chars[i + offset] : nil }
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "\\":
                guard let next = peek(1) else {
                    out += "\\\\"
                    i += 1
                    continue
                }
                switch next {
                case "(":
                    // Emacs shy group `\(?:` keeps its meaning.
                    out += "("
                case ")", "|", "{", "}": out.append(next)
                case "`": out += "^"
                case "'": out += "$"
                default: out += "\\" + String(next)
                }
                i += 2
            case "(", ")", "|", "{", "}":
                out += "\\" + String(c)
                i += 1
            case "[":
                // Copy a bracket expression; backslash is literal inside it in emacs.
                var j = i + 1
                var body = "["
                if j < chars.count, chars[j] == "^" {
                    body += "^"
                    j += 1
                }
                if j < chars.count, chars[j] == "]" {
                    body += "\\]"
                    j += 1
                }
                while j < chars.count, chars[j] != "]" {
                    if chars[j] == "[", j + 1 < chars.count, chars[j + 1] == ":",
                        let close = (j + 2..<chars.count).first(where: { chars[$0] == "]" && chars[$0 - 1] == ":" })
                    {
                        body += String(chars[j...close])
                        j = close + 1
                        continue
                    }
                    switch chars[j] {
                    case "\\", "[", "&", "~": body += "\\" + String(chars[j])
                    default: body.append(chars[j])
                    }
                    j += 1
                }
                if j >= chars.count {
                    // Unterminated: hand ICU the text so it reports the error.
                    out += body
                    i = j
                } else {
                    out += body + "]"
                    i = j + 1
                }
            default:
                out.append(c)
                i += 1
            }
        }
        chars.removeAll()
        return out
    }
}

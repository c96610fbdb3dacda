extension FindRegex {
    /// Translates the bracket expression opening at `chars[start]` (`[`); returns the ICU set and the
    /// index after its closing `]`.
    ///
    /// POSIX rules as GNU find's emacs syntax applies them: a `]` first is literal, `^` first negates,
    /// backslash is literal, `-` between two characters is a range (an inverted range is empty, as in
    /// find), `[.c.]` and `[=c=]` name the single character c, and `[:alpha:]` is plain characters.
    static func bracket(_ chars: [Character], from start: Int) throws(Invalid) -> (String, Int) {
        var j = start + 1
        var negated = false
        if j < chars.count, chars[j] == "^" {
            negated = true
            j += 1
        }
        var body = ""
        var first = true

        /// The next element at `j` (a character, or `[.c.]` / `[=c=]`), advancing past it.
        func element() -> Character {
            if chars[j] == "[", j + 4 < chars.count, chars[j + 1] == "." || chars[j + 1] == "=",
                chars[j + 3] == chars[j + 1], chars[j + 4] == "]"
            {
                defer { j += 5 }
                return chars[j + 2]
            }
            defer { j += 1 }
            return chars[j]
        }

        while true {
            guard j < chars.count else { throw Invalid(reason: "unmatched [") }
            if chars[j] == "]", !first {
                j += 1
                break
            }
            first = false
            let low = element()
            if j + 1 < chars.count, chars[j] == "-", chars[j + 1] != "]" {
                j += 1
                let high = element()
                if let lo = low.unicodeScalars.first, let hi = high.unicodeScalars.first, lo.value <= hi.value {
                    body += setLiteral(low) + "-" + setLiteral(high)
                }
            } else {
                body += setLiteral(low)
            }
        }
        if body.isEmpty { return (negated ? "[\\s\\S]" : "(?!)", j) }
        return ("[" + (negated ? "^" : "") + body + "]", j)
    }

    /// `c` as a literal inside an ICU set: everything but letters and digits is escaped.
    static func setLiteral(_ c: Character) -> String {
        c.isLetter || c.isNumber ? String(c) : "\\" + String(c)
    }
}

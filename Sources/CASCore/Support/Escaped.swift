/// Text from an upload, a dump or a package made safe to print: control characters (C0, DEL, C1) are
/// written as escapes, so a member name or an OSRELEASE can neither inject a line into a log nor send
/// a terminal escape sequence (`ESC]0;…BEL`, `ESC[2J`). Printable text, any script, is kept as it is.
public enum Escaped {
    /// `text` with `\n`, `\r`, `\t` and every other control character as `\xHH`.
    public static func text(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if isControl(scalar) {
                    out += "\\x" + hex(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool { isControl(scalar) }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value)
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return digits.count < 2 ? "0" + digits : digits
    }

    /// Multi-line text (crash outputs, a mail body) with every control character escaped except the line
    /// feeds and tabs that shape it.
    public static func lines(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && $0 != "\n" && $0 != "\t" }) else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in
                line.split(separator: "\t", omittingEmptySubsequences: false).map { Self.text(String($0)) }
                    .joined(separator: "\t")
            }
            .joined(separator: "\n")
    }
}

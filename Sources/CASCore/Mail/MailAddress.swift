import Foundation

/// Validation of mail addresses (`cas -e ADDR`, `mailFrom`) as RFC 5321 mailboxes, before anything is written.
///
/// Accepted: `local@domain` where the local part is a dot-atom or a quoted string and the domain is
/// a host name or an address literal (`[192.0.2.1]`, `[IPv6:2001:db8::1]`). Refused: anything with
/// CR, LF, NUL or another control character (header injection), non-ASCII (no SMTPUTF8), display
/// names or angle brackets, and over-long parts (local part 64, domain 255, whole address 254 octets).
public enum MailAddress {
    public static let maxLocalPart = 64
    public static let maxDomain = 255
    public static let maxAddress = 254

    /// Why `address` is refused, or nil when it is a valid mailbox.
    public static func problem(_ address: String) -> String? {
        let bytes = Array(address.utf8)
        if bytes.isEmpty { return "the address is empty" }
        if let bad = bytes.first(where: { $0 < 0x20 || $0 == 0x7f }) {
            return String(format: "it contains the control character U+%04X (line breaks are never allowed)", bad)
        }
        if bytes.contains(where: { $0 >= 0x80 }) {
            return "it contains non-ASCII characters; use the ASCII (punycode) form"
        }
        if bytes.count > maxAddress { return "it is \(bytes.count) bytes long; at most \(maxAddress) are allowed" }
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return "it has no '@'; write it as local@domain" }
        let local = Array(bytes[..<at])
        let domain = Array(bytes[(at + 1)...])
        if local.isEmpty { return "the part before '@' is empty" }
        if domain.isEmpty { return "the part after '@' is empty" }
        if local.count > maxLocalPart {
            return "the part before '@' is \(local.count) bytes; at most \(maxLocalPart) are allowed"
        }
        if let why = localPartProblem(local) { return why }
        return domainProblem(domain)
    }

    /// The address with control characters shown as `\r`, `\n`, `\u{…}`, for messages.
    public static func printable(_ address: String) -> String {
        String(address.debugDescription.dropFirst().dropLast())
    }

    static let atextSpecials = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    static func isAtext(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || atextSpecials.contains(b)
    }

    static func localPartProblem(_ local: [UInt8]) -> String? {
        if local.first == UInt8(ascii: "\"") {
            guard local.count >= 2, local.last == UInt8(ascii: "\"") else {
                return "the quoted local part is not closed"
            }
            var i = 1
            while i < local.count - 1 {
                let b = local[i]
                if b == UInt8(ascii: "\\") {
                    guard i + 1 < local.count - 1, local[i + 1] >= 0x20, local[i + 1] <= 0x7e else {
                        return "a backslash in the quoted local part escapes nothing"
                    }
                    i += 2
                    continue
                }
                if b == UInt8(ascii: "\"") { return "an unescaped '\"' inside the quoted local part" }
                i += 1
            }
            return nil
        }
        for atom in local.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            if atom.isEmpty {
                return "the part before '@' has an empty dot-separated piece (leading, trailing or double '.')"
            }
            if let bad = atom.first(where: { !isAtext($0) }) {
                return "'\(Character(Unicode.Scalar(bad)))' is not allowed before '@' unless the local part is quoted"
            }
        }
        return nil
    }

    static func domainProblem(_ domain: [UInt8]) -> String? {
        if domain.first == UInt8(ascii: "[") {
            guard domain.last == UInt8(ascii: "]"), domain.count > 2 else {
                return "the address literal is not closed by ']'"
            }
            let literal = String(decoding: domain.dropFirst().dropLast(), as: UTF8.self)
            return addressLiteralProblem(literal)
        }
        if domain.count > maxDomain { return "the domain is \(domain.count) bytes; at most \(maxDomain) are allowed" }
        for label in domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            if label.isEmpty { return "the domain has an empty label (leading, trailing or double '.')" }
            if label.count > 63 { return "a domain label is \(label.count) bytes; at most 63 are allowed" }
            let isLetDig = { (b: UInt8) in (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7a) }
            if let bad = label.first(where: { !isLetDig($0) && $0 != UInt8(ascii: "-") }) {
                return "'\(Character(Unicode.Scalar(bad)))' is not allowed in a domain name"
            }
            if !isLetDig(label.first!) || !isLetDig(label.last!) {
                return "a domain label cannot begin or end with '-'"
            }
        }
        return nil
    }

    static func addressLiteralProblem(_ literal: String) -> String? {
        var v4 = in_addr()
        var v6 = in6_addr()
        if literal.lowercased().hasPrefix("ipv6:") {
            return inet_pton(AF_INET6, String(literal.dropFirst(5)), &v6) == 1
                ? nil : "'\(literal)' is not an IPv6 address"
        }
        let parts = literal.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) && !$0.isEmpty })
        {
            return inet_pton(AF_INET, literal, &v4) == 1 ? nil : "'\(literal)' is not an IPv4 address"
        }
        return "'[\(literal)]' is not an address literal ([192.0.2.1] or [IPv6:2001:db8::1])"
    }
}

import Testing

@testable import CASCore

struct MailAddressTests {
    @Test(arguments: [
        "a@b", "a@example.com", "first.last+tag@sub.example.co.uk", "o'brien@example.ie", "root@localhost",
        #""john doe"@example.com"#, #""a\"b"@example.com"#, "x@[192.0.2.1]", "x@[IPv6:2001:db8::1]",
        "a-b_c@x-y.example",
    ])
    func valid(_ address: String) {
        #expect(MailAddress.problem(address) == nil)
    }

    @Test(arguments: [
        ("a@b\r\nBcc: c@d", "control character U+000D"),
        ("a@b\nBcc: c@d", "control character U+000A"),
        ("a@b\0", "U+0000"),
        ("", "empty"),
        ("no-at-sign", "no '@'"),
        ("@example.com", "before '@' is empty"),
        ("a@", "after '@' is empty"),
        ("a..b@example.com", "empty dot-separated piece"),
        (".a@example.com", "empty dot-separated piece"),
        ("a b@example.com", "' ' is not allowed"),
        ("Name <a@example.com>", "' ' is not allowed"),
        ("a@exa_mple.com", "'_' is not allowed in a domain"),
        ("a@-example.com", "begin or end with '-'"),
        ("a@example..com", "empty label"),
        ("a@[300.1.1.1]", "not an IPv4 address"),
        ("a@[IPv6:zz::1]", "not an IPv6 address"),
        ("a@[example]", "not an address literal"),
        ("jörg@example.de", "non-ASCII"),
        (#""open@example.com"#, "not closed"),
    ])
    func invalid(_ address: String, _ reason: String) throws {
        let problem = try #require(MailAddress.problem(address))
        #expect(problem.contains(reason), "\(problem)")
    }

    @Test func lengthLimits() {
        let local64 = String(repeating: "a", count: 64)
        #expect(MailAddress.problem("\(local64)@example.com") == nil)
        #expect(MailAddress.problem("\(local64)a@example.com")?.contains("at most 64") == true)
        let label = String(repeating: "d", count: 63)
        #expect(MailAddress.problem("a@\(label).com") == nil)
        #expect(MailAddress.problem("a@\(label)d.com")?.contains("at most 63") == true)
        let long = "a@" + Array(repeating: label, count: 4).joined(separator: ".")
        #expect(MailAddress.problem(long)?.contains("at most 254") == true)
    }

    @Test func printableShowsLineBreaks() {
        #expect(MailAddress.printable("a@b\r\nBcc: c@d") == #"a@b\r\nBcc: c@d"#)
    }
}

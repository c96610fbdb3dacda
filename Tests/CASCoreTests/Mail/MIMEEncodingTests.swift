import Foundation
import Testing

@testable import CASCore

struct MIMEEncodingTests {
    @Test func quotedPrintableEncodesEqualsNonASCIIAndTrailingSpace() {
        #expect(MIMEEncoding.quotedPrintable("a=b\nü \nend") == "a=3Db\r\n=C3=BC=20\r\nend\r\n")
    }

    @Test func quotedPrintableSoftBreaksLongLinesAt76() {
        let encoded = MIMEEncoding.quotedPrintable(String(repeating: "x", count: 200))
        let lines = encoded.components(separatedBy: "\r\n").dropLast()
        #expect(lines.allSatisfy { $0.count <= 76 })
        #expect(lines.dropLast().allSatisfy { $0.hasSuffix("=") })
        #expect(
            lines.map { $0.hasSuffix("=") ? String($0.dropLast()) : $0 }.joined() == String(repeating: "x", count: 200))
    }

    @Test func base64LinesAre76WithCRLF() {
        let text = MIMEEncoding.base64Lines(Array(repeating: 0xAB, count: 200))
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.last == "")
        #expect(lines.dropLast().allSatisfy { $0.count <= 76 })
        #expect(Data(base64Encoded: lines.joined()) == Data(repeating: 0xAB, count: 200))
    }

    @Test func headerTextKeepsASCIIAndEncodesUTF8InShortWords() {
        #expect(MIMEEncoding.headerText("CAS results for 123") == "CAS results for 123")
        #expect(MIMEEncoding.headerText("a\r\nBcc: x@y") == "a  Bcc: x@y")
        let encoded = MIMEEncoding.headerText("CAS failed for Ünïcødé: " + String(repeating: "é", count: 40))
        let words = encoded.components(separatedBy: "\r\n ")
        #expect(words.count > 1)
        #expect(words.allSatisfy { $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") && $0.count <= 75 })
        let decoded = words.map {
            String(decoding: Data(base64Encoded: String($0.dropFirst(10).dropLast(2)))!, as: UTF8.self)
        }
        #expect(decoded.joined() == "CAS failed for Ünïcødé: " + String(repeating: "é", count: 40))
    }

    @Test func dateIsRFC5322() {
        let date = Date(timeIntervalSince1970: 1_735_732_800)  // 2025-01-01 12:00:00 UTC
        #expect(MIMEEncoding.date(date, timeZone: TimeZone(identifier: "UTC")!) == "Wed, 01 Jan 2025 12:00:00 +0000")
    }

    @Test func renderedMessageHasHeadersAndCRLFOnly() {
        let message = MailMessage(
            from: "cas@example.org", to: ["a@example.com", "b@example.com"], subject: "CAS results for 1",
            body: "Location: /x\nline two", date: Date(timeIntervalSince1970: 0), messageID: "m1@host")
        let text = String(decoding: message.rendered(timeZone: TimeZone(identifier: "UTC")!), as: UTF8.self)
        #expect(
            text.hasPrefix(
                "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\nFrom: cas@example.org\r\nTo: a@example.com,\r\n b@example.com\r\nSubject: CAS results for 1\r\nMessage-ID: <m1@host>\r\nMIME-Version: 1.0\r\n"
            ))
        #expect(text.hasSuffix("\r\n\r\nLocation: /x\r\nline two\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }
}

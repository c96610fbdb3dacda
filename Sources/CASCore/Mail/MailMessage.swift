import Foundation

/// A mail as RFC 5322 / MIME text: UTF-8 quoted-printable body, base64 attachments, CRLF line ends.
public struct MailMessage: Sendable, Equatable {
    /// A file carried as a base64 MIME part.
    public struct Attachment: Sendable, Equatable {
        public var filename: String
        public var contentType: String
        public var data: [UInt8]

        public init(filename: String, contentType: String = "text/plain; charset=utf-8", data: [UInt8]) {
            self.filename = filename
            self.contentType = contentType
            self.data = data
        }
    }

    public var from: String
    public var to: [String]
    public var subject: String
    public var body: String
    public var attachments: [Attachment]
    public var date: Date
    /// Without angle brackets: `<unique>@<host>`.
    public var messageID: String

    public init(
        from: String, to: [String], subject: String, body: String, attachments: [Attachment] = [],
        date: Date = Date(), messageID: String = "\(UUID().uuidString.lowercased())@\(SMTPSettings.localHostName())"
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.attachments = attachments
        self.date = date
        self.messageID = messageID
    }

    /// The message as sent: headers, then the body part, then one part per attachment.
    public func rendered(timeZone: TimeZone = .current) -> [UInt8] {
        var head = [
            "Date: \(MIMEEncoding.date(date, timeZone: timeZone))",
            "From: \(from)",
            "To: " + to.joined(separator: ",\r\n "),
            "Subject: \(MIMEEncoding.headerText(subject))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
        ]
        let textPart = [
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
        ]
        let text = MIMEEncoding.quotedPrintable(body)
        guard !attachments.isEmpty else {
            return Array((head + textPart).map { $0 + "\r\n" }.joined().utf8) + Array(("\r\n" + text).utf8)
        }
        // "=_" never occurs in quoted-printable or base64 text, so the boundary cannot collide.
        let boundary = "=_cas_" + messageID.prefix { $0 != "@" }.filter { $0.isLetter || $0.isNumber }
        head.append("Content-Type: multipart/mixed;\r\n boundary=\"\(boundary)\"")
        var out = head.map { $0 + "\r\n" }.joined() + "\r\nThis is a MIME message.\r\n"
        out += "--\(boundary)\r\n" + textPart.map { $0 + "\r\n" }.joined() + "\r\n" + text
        for attachment in attachments {
            let name = attachment.filename.filter { $0.isASCII && $0 != "\"" && $0 != "\\" && !$0.isNewline }
            out += "--\(boundary)\r\n"
            out += "Content-Type: \(attachment.contentType); name=\"\(name)\"\r\n"
            out += "Content-Transfer-Encoding: base64\r\n"
            out += "Content-Disposition: attachment; filename=\"\(name)\"\r\n\r\n"
            out += MIMEEncoding.base64Lines(attachment.data)
        }
        out += "--\(boundary)--\r\n"
        return Array(out.utf8)
    }
}

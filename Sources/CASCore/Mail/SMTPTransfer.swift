import Foundation

/// One SMTP delivery through libcurl (``Curl``, the one file that imports it).
///
/// Feeds the message from memory, records the SMTP dialogue (server replies, and the commands sent with
/// AUTH redacted) to tell which recipients the relay refused, and turns a curl failure into a ``MailError``
/// carrying curl's own message.
final class SMTPTransfer {
    private let curl: Curl
    private let payload: [UInt8]
    private var offset = 0
    /// The dialogue as "C: …" / "S: …" lines.
    private(set) var dialogue: [String] = []
    private var lastCommand = ""
    /// True between an AUTH command and the relay's final answer: client lines are then credentials.
    private var authenticating = false
    /// Recipients the relay answered with a non-2xx reply, with that reply.
    private(set) var refused: [String: String] = [:]

    init(message: [UInt8]) throws(MailError) {
        do {
            curl = try Curl()
        } catch {
            throw .delivery(relay: "-", code: -1, message: error.message)
        }
        self.payload = message
    }

    /// Sends the message to `recipients` through the relay described by `smtp`.
    func send(smtp: SMTPSettings, recipients: [String]) throws(MailError) {
        curl.onRead = { [unowned self] buffer in
            let n = min(buffer.count, payload.count - offset)
            payload.withUnsafeBytes { raw in
                buffer.baseAddress!.copyMemory(from: raw.baseAddress! + offset, byteCount: n)
            }
            offset += n
            return n
        }
        curl.onHeader = { [unowned self] line, fromServer in record(line, fromServer: fromServer) }
        do throws(Curl.Failure) {
            try curl.set(.url(smtp.url))
            try curl.set(.mailFrom("<\(smtp.from)>"))
            try curl.set(.mailRecipients(recipients.map { "<\($0)>" }))
            try curl.set(.mailRecipientsAllowFails)
            try curl.set(.useTLS(Self.useSSL(smtp.tls)))
            if let user = smtp.user {
                try curl.set(.username(user))
                try curl.set(.password(smtp.password ?? ""))
            }
            try curl.set(.connectTimeout(seconds: smtp.connectTimeout))
            try curl.set(.totalTimeout(seconds: smtp.totalTimeout))
            try curl.set(.upload(size: payload.count))
            try curl.set(.dialogue)
            try curl.perform()
        } catch {
            try fail(smtp, error)
        }
        if !refused.isEmpty {
            let delivered = recipients.filter { refused[$0] == nil }
            throw .recipientsRefused(relay: smtp.relay, refused: refused, delivered: delivered)
        }
    }

    private static func useSSL(_ tls: SMTPSettings.TLS) -> Curl.TLS {
        switch tls {
        case .auto: .tryIt
        case .always: .always
        case .never: .never
        }
    }

    /// Throws the ``MailError`` for a curl failure, with curl's message and the relay's last reply.
    private func fail(_ smtp: SMTPSettings, _ failure: Curl.Failure) throws(MailError) {
        var message = failure.message
        if failure.kind == .tlsRequired {
            message += " (smtpTLS = always, but the relay does not offer STARTTLS)"
        } else if failure.kind == .dialogue, let reply = dialogue.last(where: { $0.hasPrefix("S: ") }) {
            message +=
                " (after \(lastCommand.isEmpty ? "connecting" : lastCommand) the relay said '\(reply.dropFirst(3))')"
        }
        // A refused recipient makes curl fail too when every recipient was refused: report them by name.
        if !refused.isEmpty, failure.kind != .timeout {
            throw .recipientsRefused(relay: smtp.relay, refused: refused, delivered: [])
        }
        throw .delivery(relay: smtp.relay, code: failure.code, message: message)
    }

    private func record(_ line: String, fromServer: Bool) {
        guard fromServer else {
            if line.uppercased().hasPrefix("AUTH ") { authenticating = true }
            lastCommand = authenticating ? "AUTH (redacted)" : line
            dialogue.append("C: " + lastCommand)
            return
        }
        dialogue.append("S: " + line)
        if authenticating, !line.hasPrefix("334") { authenticating = false }
        let rcptPrefix = "RCPT TO:<"
        if lastCommand.uppercased().hasPrefix(rcptPrefix), let code = line.first, code == "4" || code == "5" {
            let address = String(lastCommand.dropFirst(rcptPrefix.count).prefix { $0 != ">" })
            refused[address] = line
        }
    }
}

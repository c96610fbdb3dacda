import CCurl
import Foundation

/// One SMTP delivery through libcurl: the only file that imports the C library.
///
/// Owns the `CURL` handle, feeds the message from memory, records the SMTP dialogue (server replies,
/// and the commands sent with AUTH redacted) to tell which recipients the relay refused, and turns a
/// `CURLcode` into a ``MailError`` carrying curl's own message.
final class SMTPTransfer {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let payload: [UInt8]
    private var offset = 0
    /// The dialogue as "C: …" / "S: …" lines.
    private(set) var dialogue: [String] = []
    private var lastCommand = ""
    /// True between an AUTH command and the relay's final answer: client lines are then credentials.
    private var authenticating = false
    /// Recipients the relay answered with a non-2xx reply, with that reply.
    private(set) var refused: [String: String] = [:]

    private static let globalInit: CURLcode = cas_curl_global_init()

    init(message: [UInt8]) throws(MailError) {
        guard cas_curl() != nil else {
            throw .delivery(relay: "-", code: -1, message: "libcurl (libcurl.so.4) is not installed: apt-get install libcurl4")
        }
        guard Self.globalInit == CURLE_OK, let handle = cas_curl_easy_init() else {
            throw .delivery(relay: "-", code: -1, message: "libcurl could not be initialised")
        }
        self.handle = handle
        self.payload = message
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        cas_curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Sends the message to `recipients` through the relay described by `smtp`.
    func send(smtp: SMTPSettings, recipients: [String]) throws(MailError) {
        var list: UnsafeMutablePointer<curl_slist>?
        for address in recipients { list = cas_curl_slist_append(list, "<\(address)>") }
        defer { cas_curl_slist_free_all(list) }
        let context = Unmanaged.passUnretained(self).toOpaque()
        do {
            try check(smtp, cas_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
            try check(smtp, cas_curl_set_string(handle, CURLOPT_URL, smtp.url))
            try check(smtp, cas_curl_set_string(handle, CURLOPT_MAIL_FROM, "<\(smtp.from)>"))
            try check(smtp, cas_curl_set_pointer(handle, CURLOPT_MAIL_RCPT, list))
            try check(smtp, cas_curl_set_rcpt_allowfails(handle, 1))
            try check(smtp, cas_curl_set_long(handle, CURLOPT_USE_SSL, Self.useSSL(smtp.tls)))
            if let user = smtp.user {
                try check(smtp, cas_curl_set_string(handle, CURLOPT_USERNAME, user))
                try check(smtp, cas_curl_set_string(handle, CURLOPT_PASSWORD, smtp.password ?? ""))
            }
            try check(smtp, cas_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT, smtp.connectTimeout))
            try check(smtp, cas_curl_set_long(handle, CURLOPT_TIMEOUT, smtp.totalTimeout))
            try check(smtp, cas_curl_set_long(handle, CURLOPT_NOSIGNAL, 1))
            try check(smtp, cas_curl_set_long(handle, CURLOPT_UPLOAD, 1))
            try check(smtp, cas_curl_set_long(handle, CURLOPT_INFILESIZE_LARGE, payload.count))
            try check(smtp, cas_curl_set_read_function(handle, Self.read))
            try check(smtp, cas_curl_set_pointer(handle, CURLOPT_READDATA, context))
            try check(smtp, cas_curl_set_debug_function(handle, Self.debug))
            try check(smtp, cas_curl_set_pointer(handle, CURLOPT_DEBUGDATA, context))
            try check(smtp, cas_curl_set_long(handle, CURLOPT_VERBOSE, 1))
            try check(smtp, cas_curl_easy_perform(handle))
        }
        if !refused.isEmpty {
            let delivered = recipients.filter { refused[$0] == nil }
            throw .recipientsRefused(relay: smtp.relay, refused: refused, delivered: delivered)
        }
    }

    private static func useSSL(_ tls: SMTPSettings.TLS) -> Int {
        switch tls {
        case .auto: Int(CURLUSESSL_TRY.rawValue)
        case .always: Int(CURLUSESSL_ALL.rawValue)
        case .never: Int(CURLUSESSL_NONE.rawValue)
        }
    }

    /// Throws the ``MailError`` for a failed `CURLcode`, with curl's message and the relay's last reply.
    private func check(_ smtp: SMTPSettings, _ code: CURLcode) throws(MailError) {
        guard code != CURLE_OK else { return }
        var message = Self.string(errorBuffer)
        if message.isEmpty { message = Self.string(cas_curl_easy_strerror(code)) }
        if code == CURLE_USE_SSL_FAILED {
            message += " (smtpTLS = always, but the relay does not offer STARTTLS)"
        } else if [CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_LOGIN_DENIED, CURLE_UPLOAD_FAILED, CURLE_WEIRD_SERVER_REPLY]
            .contains(code), let reply = dialogue.last(where: { $0.hasPrefix("S: ") })
        {
            message +=
                " (after \(lastCommand.isEmpty ? "connecting" : lastCommand) the relay said '\(reply.dropFirst(3))')"
        }
        // A refused recipient makes curl fail too when every recipient was refused: report them by name.
        if !refused.isEmpty, code != CURLE_OPERATION_TIMEDOUT {
            throw .recipientsRefused(relay: smtp.relay, refused: refused, delivered: [])
        }
        throw .delivery(relay: smtp.relay, code: Int(code.rawValue), message: message)
    }

    private static func string(_ pointer: UnsafePointer<CChar>) -> String {
        let length = strlen(pointer)
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    private static let read: cas_curl_read_callback = { buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        let transfer = Unmanaged<SMTPTransfer>.fromOpaque(context).takeUnretainedValue()
        let n = min(size * count, transfer.payload.count - transfer.offset)
        transfer.payload.withUnsafeBytes { raw in
            UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress! + transfer.offset, byteCount: n)
        }
        transfer.offset += n
        return n
    }

    private static let debug: cas_curl_debug_callback = { _, type, data, size, context in
        guard let data, let context, type == CURLINFO_HEADER_IN || type == CURLINFO_HEADER_OUT else { return 0 }
        let transfer = Unmanaged<SMTPTransfer>.fromOpaque(context).takeUnretainedValue()
        let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
        for line in text.split(whereSeparator: \.isNewline) {
            transfer.record(String(line), fromServer: type == CURLINFO_HEADER_IN)
        }
        return 0
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

import CCurl
import Foundation

/// One libcurl easy handle: the only file that imports the C library (loaded on first use, see CCurl/shim.h).
///
/// Owns the handle, the error buffer and the string lists, calls back into Swift closures for the data
/// (read, write), the dialogue (header lines in and out) and progress, and turns a `CURLcode` into a
/// ``Curl/Failure`` carrying curl's own message. Used by mail (SMTP) and the debuginfod client (HTTP, file).
public final class Curl {
    /// A failed libcurl call: curl's code and message, and what kind of failure it was.
    public struct Failure: Error, Sendable {
        public enum Kind: Sendable, Equatable {
            /// libcurl cannot be loaded or initialised.
            case unavailable
            case timeout
            case couldNotConnect
            /// STARTTLS asked for and not offered.
            case tlsRequired
            /// The peer answered something the protocol did not allow, or the connection broke mid-dialogue.
            case dialogue
            /// A write callback refused the data (the caller's own reason is recorded there).
            case aborted
            case other
        }

        public var kind: Kind
        public var code: Int
        public var message: String
    }

    /// The options CAS sets.
    public enum Option {
        case url(String)
        case connectTimeout(seconds: Int)
        case totalTimeout(seconds: Int)
        /// Abort when fewer than `bytesPerSecond` arrive for `seconds`.
        case lowSpeed(bytesPerSecond: Int, seconds: Int)
        case followRedirects(max: Int)
        case userAgent(String)
        case username(String)
        case password(String)
        case mailFrom(String)
        case mailRecipients([String])
        case mailRecipientsAllowFails
        case useTLS(TLS)
        /// Upload of `size` bytes, fed by ``onRead``.
        case upload(size: Int)
        /// Report the dialogue (header lines) to ``onHeader``.
        case dialogue
        /// Report progress to ``onProgress``.
        case progress
    }

    /// STARTTLS use for SMTP.
    public enum TLS { case tryIt, always, never }

    /// Fills the buffer with upload data; returns the byte count (0 at the end).
    public var onRead: ((UnsafeMutableRawBufferPointer) -> Int)?
    /// Takes downloaded data; returns false to abort the transfer.
    public var onWrite: ((UnsafeRawBufferPointer) -> Bool)?
    /// A header line received (`true`) or sent (`false`).
    public var onHeader: ((String, Bool) -> Void)?
    /// Bytes expected (0 when unknown) and received so far; returns false to abort.
    public var onProgress: ((Int64, Int64) -> Bool)?

    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var lists: [UnsafeMutablePointer<curl_slist>] = []

    private static let globalInit: CURLcode = cas_curl_global_init()

    /// Why libcurl cannot be used on this machine, or nil when it can.
    public static var unavailableReason: String? {
        cas_curl() == nil ? "libcurl (libcurl.so.4) is not installed: apt-get install libcurl4" : nil
    }

    public init() throws(Failure) {
        if let reason = Self.unavailableReason { throw Failure(kind: .unavailable, code: -1, message: reason) }
        guard Self.globalInit == CURLE_OK, let handle = cas_curl_easy_init() else {
            throw Failure(kind: .unavailable, code: -1, message: "libcurl could not be initialised")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        _ = cas_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = cas_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = cas_curl_set_write_function(handle, Self.write)
        _ = cas_curl_set_pointer(handle, CURLOPT_WRITEDATA, context)
    }

    deinit {
        cas_curl_easy_cleanup(handle)
        for list in lists { cas_curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    /// Sets one option.
    public func set(_ option: Option) throws(Failure) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        switch option {
        case .url(let url): try check(cas_curl_set_string(handle, CURLOPT_URL, url))
        case .connectTimeout(let seconds): try check(cas_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT, seconds))
        case .totalTimeout(let seconds): try check(cas_curl_set_long(handle, CURLOPT_TIMEOUT, seconds))
        case .lowSpeed(let rate, let seconds):
            try check(cas_curl_set_long(handle, CURLOPT_LOW_SPEED_LIMIT, rate))
            try check(cas_curl_set_long(handle, CURLOPT_LOW_SPEED_TIME, seconds))
        case .followRedirects(let max):
            try check(cas_curl_set_long(handle, CURLOPT_FOLLOWLOCATION, 1))
            try check(cas_curl_set_long(handle, CURLOPT_MAXREDIRS, max))
        case .userAgent(let agent): try check(cas_curl_set_string(handle, CURLOPT_USERAGENT, agent))
        case .username(let user): try check(cas_curl_set_string(handle, CURLOPT_USERNAME, user))
        case .password(let password): try check(cas_curl_set_string(handle, CURLOPT_PASSWORD, password))
        case .mailFrom(let from): try check(cas_curl_set_string(handle, CURLOPT_MAIL_FROM, from))
        case .mailRecipients(let recipients):
            var list: UnsafeMutablePointer<curl_slist>?
            for address in recipients { list = cas_curl_slist_append(list, address) }
            if let list { lists.append(list) }
            try check(cas_curl_set_pointer(handle, CURLOPT_MAIL_RCPT, list))
        case .mailRecipientsAllowFails: try check(cas_curl_set_rcpt_allowfails(handle, 1))
        case .useTLS(let tls):
            let value =
                switch tls {
                case .tryIt: CURLUSESSL_TRY
                case .always: CURLUSESSL_ALL
                case .never: CURLUSESSL_NONE
                }
            try check(cas_curl_set_long(handle, CURLOPT_USE_SSL, Int(value.rawValue)))
        case .upload(let size):
            try check(cas_curl_set_long(handle, CURLOPT_UPLOAD, 1))
            try check(cas_curl_set_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(size)))
            try check(cas_curl_set_read_function(handle, Self.read))
            try check(cas_curl_set_pointer(handle, CURLOPT_READDATA, context))
        case .dialogue:
            try check(cas_curl_set_debug_function(handle, Self.debug))
            try check(cas_curl_set_pointer(handle, CURLOPT_DEBUGDATA, context))
            try check(cas_curl_set_long(handle, CURLOPT_VERBOSE, 1))
        case .progress:
            try check(cas_curl_set_xferinfo_function(handle, Self.xferinfo))
            try check(cas_curl_set_pointer(handle, CURLOPT_XFERINFODATA, context))
            try check(cas_curl_set_long(handle, CURLOPT_NOPROGRESS, 0))
        }
    }

    /// Runs the transfer.
    public func perform() throws(Failure) {
        errorBuffer[0] = 0
        try check(cas_curl_easy_perform(handle))
    }

    /// The last response code (HTTP status, SMTP reply), 0 when none.
    public var responseCode: Int {
        var code = 0
        _ = cas_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    private func check(_ code: CURLcode) throws(Failure) {
        guard code != CURLE_OK else { return }
        var message = Self.string(errorBuffer)
        if message.isEmpty { message = Self.string(cas_curl_easy_strerror(code)) }
        let kind: Failure.Kind =
            switch code {
            case CURLE_OPERATION_TIMEDOUT: .timeout
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: .couldNotConnect
            case CURLE_USE_SSL_FAILED: .tlsRequired
            case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_LOGIN_DENIED, CURLE_UPLOAD_FAILED,
                CURLE_WEIRD_SERVER_REPLY, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
                .dialogue
            case CURLE_WRITE_ERROR, CURLE_ABORTED_BY_CALLBACK: .aborted
            default: .other
            }
        throw Failure(kind: kind, code: Int(code.rawValue), message: message)
    }

    private static func string(_ pointer: UnsafePointer<CChar>) -> String {
        let length = strlen(pointer)
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    private static let read: cas_curl_read_callback = { buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        let curl = Unmanaged<Curl>.fromOpaque(context).takeUnretainedValue()
        return curl.onRead?(UnsafeMutableRawBufferPointer(start: buffer, count: size * count)) ?? 0
    }

    private static let write: cas_curl_write_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let curl = Unmanaged<Curl>.fromOpaque(context).takeUnretainedValue()
        guard let onWrite = curl.onWrite else { return size * count }
        return onWrite(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
    }

    private static let xferinfo: cas_curl_xferinfo_callback = { context, total, now, _, _ in
        guard let context else { return 0 }
        let curl = Unmanaged<Curl>.fromOpaque(context).takeUnretainedValue()
        return curl.onProgress?(Int64(total), Int64(now)) == false ? 1 : 0
    }

    private static let debug: cas_curl_debug_callback = { _, type, data, size, context in
        guard let data, let context, type == CURLINFO_HEADER_IN || type == CURLINFO_HEADER_OUT else { return 0 }
        let curl = Unmanaged<Curl>.fromOpaque(context).takeUnretainedValue()
        let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
        for line in text.split(whereSeparator: \.isNewline) {
            curl.onHeader?(String(line), type == CURLINFO_HEADER_IN)
        }
        return 0
    }
}

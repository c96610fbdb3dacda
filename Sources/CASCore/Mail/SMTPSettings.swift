import Foundation

/// How to reach the mail relay: the validated form of `smtphost`, `smtpTLS`, `smtpUser`,
/// `smtpPasswordFile` and `mailFrom`, built from plain values (Mail does not read the configuration).
public struct SMTPSettings: Sendable, Equatable {
    /// STARTTLS policy (`smtpTLS`).
    public enum TLS: String, Sendable {
        /// Upgrade when the relay offers STARTTLS, else continue in clear.
        case auto
        /// Refuse to send unless the relay offers STARTTLS.
        case always
        /// Never upgrade.
        case never
    }

    /// The relay's host name or IP address (no brackets).
    public var host: String
    public var port: Int
    public var tls: TLS
    public var user: String?
    public var password: String?
    /// The envelope sender and From address.
    public var from: String
    /// Seconds to wait for the connection to the relay.
    public var connectTimeout: Int
    /// Seconds the whole delivery may take.
    public var totalTimeout: Int

    /// The relay as `host:port` (IPv6 in brackets), for messages.
    public var relay: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The `smtp://` URL libcurl is given; the path is the name used in EHLO.
    var url: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "smtp://\(hostPart):\(port)/\(Self.localHostName())"
    }

    /// Validates the settings; the password is read from `passwordFile` (which must not be world-readable).
    public init(
        relay: String, tls: String = "auto", user: String? = nil, passwordFile: String? = nil, from: String? = nil,
        connectTimeout: Int = 30, totalTimeout: Int = 300
    ) throws(MailError) {
        (host, port) = try Self.parseRelay(relay)
        guard let tls = TLS(rawValue: tls.lowercased()) else {
            throw .badSetting(key: "smtpTLS", value: tls, why: "expected auto, always or never")
        }
        self.tls = tls
        self.user = user
        if let passwordFile {
            guard user != nil else {
                throw .badSetting(key: "smtpPasswordFile", value: passwordFile, why: "set smtpUser too, or remove it")
            }
            password = try Self.readPassword(passwordFile)
        }
        self.from = from ?? "cas@\(Self.localHostName())"
        if let why = MailAddress.problem(self.from) {
            throw .badSetting(key: "mailFrom", value: MailAddress.printable(self.from), why: why)
        }
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
    }

    /// Splits `host`, `host:port`, `[v6]` or `[v6]:port` (port 25 when absent).
    public static func parseRelay(_ relay: String) throws(MailError) -> (host: String, port: Int) {
        let text = relay.trimmingCharacters(in: .whitespaces)
        func bad(_ why: String) -> MailError { .badSetting(key: "smtphost", value: relay, why: why) }
        var host = text
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw bad("the IPv6 address is not closed by ']'") }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw bad("expected ':port' after ']'") }
                portText = rest.dropFirst()
            }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty else { throw bad("no host name; write host or host:port") }
        if let bad = host.unicodeScalars.first(where: {
            $0.value <= 0x20 || $0.value >= 0x7f || "/@?#[]".unicodeScalars.contains($0)
        }) {
            throw .badSetting(
                key: "smtphost", value: relay, why: "'\(bad.escaped(asASCII: true))' is not allowed in a host name")
        }
        var port = 25
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw bad("the port must be 1 to 65535")
            }
            port = number
        }
        return (host, port)
    }

    /// The first line of `path`; refused when the file is readable by everyone.
    static func readPassword(_ path: String) throws(MailError) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw .badSetting(key: "smtpPasswordFile", value: path, why: String(cString: strerror(errno)))
        }
        if st.st_mode & S_IROTH != 0 {
            throw .badSetting(
                key: "smtpPasswordFile", value: path,
                why: "the file is readable by everyone; run 'chmod o-rwx \(path)' (or 600) first")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .badSetting(key: "smtpPasswordFile", value: path, why: "cannot be read by this user")
        }
        let text = String(decoding: data, as: UTF8.self)
        let password =
            text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard !password.isEmpty else {
            throw .badSetting(key: "smtpPasswordFile", value: path, why: "the file is empty")
        }
        return password
    }

    /// This machine's host name, as used in EHLO, Message-ID and the default sender.
    public static func localHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}

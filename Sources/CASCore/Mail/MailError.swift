/// Why a result mail could not be prepared or delivered.
///
/// Configuration problems found at start (no relay, unreadable password file, bad sender) end the
/// process with the configuration status; a delivery failure after the job completed ends it with
/// ``ExitStatus/mailFailed`` and never undoes the job.
public enum MailError: CASError, Equatable {
    /// `-e` was given but no `smtphost` is configured.
    case noRelay(configFile: String)
    /// A configured value (`smtphost`, `smtpTLS`, `mailFrom`, `smtpPasswordFile`) is unusable.
    case badSetting(key: String, value: String, why: String)
    /// A recipient address is not an RFC 5321 mailbox.
    case badAddress(String, why: String)
    /// libcurl failed: the relay, the curl code's meaning and curl's own message.
    case delivery(relay: String, code: Int, message: String)
    /// The relay refused some recipients; the mail went to `delivered` (possibly none).
    case recipientsRefused(relay: String, refused: [String: String], delivered: [String])

    public var description: String {
        switch self {
        case .noRelay(let file):
            file.hasPrefix("/")
                ? "-e needs a mail relay: set smtphost (host or host:port) in [settings] of \(file)"
                : "-e needs a mail relay: set smtphost (host or host:port) in [settings] of a configuration file "
                    + "(none is in use: give one with --config, $CAS_CONFIG or /etc/cas.conf)"
        case .badSetting(let key, let value, let why):
            "config: \(key) = '\(value)': \(why)"
        case .badAddress(let address, let why):
            "bad mail address '\(MailAddress.printable(address))': \(why)"
        case .delivery(let relay, _, let message):
            "mail via \(relay) failed: \(message); resend later with 'cas-admin mail ID'"
        case .recipientsRefused(let relay, let refused, let delivered):
            "mail via \(relay): refused "
                + refused.sorted { $0.key < $1.key }.map { "<\($0.key)> (\($0.value))" }.joined(separator: ", ")
                + (delivered.isEmpty ? "; nothing delivered" : "; delivered to " + delivered.joined(separator: ", "))
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .noRelay, .badSetting: .configuration
        case .badAddress: .usage
        case .delivery, .recipientsRefused: .mailFailed
        }
    }

    /// The description without the generic resend hint, for callers that name the exact resend command.
    public var reasonWithRelay: String {
        switch self {
        case .delivery(let relay, _, let message): "via \(relay): \(message)"
        default: description
        }
    }

    /// A short reason for the job record's `mailState` ("failed: <reason>").
    public var shortReason: String {
        switch self {
        case .delivery(_, _, let message): message
        default: description
        }
    }
}

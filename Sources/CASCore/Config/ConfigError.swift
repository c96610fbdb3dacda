/// What is wrong with a configuration file, always naming the file and, where there is one, the line.
public enum ConfigError: CASError, Equatable {
    case unreadable(path: String, reason: String)
    case syntax(path: String, line: Int, message: String)
    case missingKey(path: String, line: Int?, section: String, key: String, hint: String? = nil)
    /// A section CAS does not know that holds keys it does (`[maintainance]` with `purgeLimit`).
    case unknownSection(path: String, line: Int, section: String, key: String, hint: String)
    case badValue(path: String, line: Int, section: String, key: String, value: String, expected: String)
    case directory(path: String, reason: String)
    /// Started as root, a file root would read or run is not root's alone (``TrustedPath``).
    case untrusted(path: String, what: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "config \(path): cannot read: \(reason)"
        case .syntax(let path, let line, let message):
            "config \(path):\(line): \(message)"
        case .missingKey(let path, let line, let section, let key, let hint):
            "config \(path)\(line.map { ":\($0)" } ?? ""): missing required key '\(key)' in [\(section)]"
                + (hint.map { " (\($0))" } ?? "")
        case .unknownSection(let path, let line, let section, let key, let hint):
            "config \(path):\(line): unknown section [\(section)] holds '\(key)' (\(hint)); its keys would be ignored"
        case .badValue(let path, let line, let section, let key, let value, let expected):
            "config \(path):\(line): bad value '\(value)' for '\(key)' in [\(section)]: expected \(expected)"
        case .directory(let path, let reason):
            "cannot create \(path): \(reason)"
        case .untrusted(let path, let what, let reason):
            "\(what) \(path) \(reason): running as root, CAS only uses a \(what) that root alone can change "
                + "(chown root: and chmod go-w it and its directories)"
        }
    }

    public var exitStatus: ExitStatus { .configuration }
}

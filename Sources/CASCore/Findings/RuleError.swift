/// What is wrong with a rules file or directory, naming the file and line.
public enum RuleError: CASError, Equatable {
    case unreadable(path: String, reason: String)
    case syntax(path: String, line: Int, message: String)
    case duplicate(id: String, path: String, line: Int, first: String)
    case builtinsNotFound(searched: [String])

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "rules \(path): cannot read: \(reason)"
        case .syntax(let path, let line, let message):
            "rules \(path):\(line): \(message)"
        case .duplicate(let id, let path, let line, let first):
            "rules \(path):\(line): duplicate rule id '\(id)' (first defined at \(first)); rename one of them"
        case .builtinsNotFound(let searched):
            "built-in findings rules not found (looked in \(searched.joined(separator: ", "))); reinstall CAS"
        }
    }

    public var exitStatus: ExitStatus { .configuration }
}

/// Why findings could not be written into a job directory.
public enum FindingsError: CASError, Equatable {
    case rules(RuleError)
    case noJobDirectory(String)
    case cannotWrite(path: String, reason: String)
    case badJobRecord(path: String, reason: String)

    public var description: String {
        switch self {
        case .rules(let error):
            error.description
        case .noJobDirectory(let path):
            "\(path) is not a job directory (no such directory)"
        case .cannotWrite(let path, let reason):
            "cannot write \(path): \(reason)"
        case .badJobRecord(let path, let reason):
            "\(path) is not a JSON object (\(reason)); fix or remove it, then run 'cas findings' again"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .rules(let error): error.exitStatus
        case .noJobDirectory: .noInput
        case .cannotWrite: .cannotWrite
        case .badJobRecord: .badInput
        }
    }
}

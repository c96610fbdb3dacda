import Foundation

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
    /// The job directory exists but this user may not read it (a job of the casuser, 0750, and no group).
    case unreadableJobDirectory(String, String)
    case cannotWrite(path: String, reason: String)
    case badJobRecord(path: String, reason: String)

    public var description: String {
        switch self {
        case .rules(let error):
            error.description
        case .noJobDirectory(let path):
            "\(path) is not a job directory (no such directory)"
        case .unreadableJobDirectory(let path, let why):
            "cannot read job directory \(path) as \(FileKind.userName(geteuid())): \(why)\(Self.owner(of: path)); "
                + "ask to be added to its group, or run this as its owner"
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
        case .unreadableJobDirectory: .noInput
        case .cannotWrite: .cannotWrite
        case .badJobRecord: .badInput
        }
    }
}

extension FindingsError {
    /// " (owned by cas:cas, mode 0750)" for the nearest of `path` and its parents this user can stat, else "".
    static func owner(of path: String) -> String {
        var current = path
        var st = stat()
        while current.count > 1 {
            if stat(current, &st) == 0 {
                let what = current == path ? "" : "\(current) is "
                return " (\(what)\(FileKind.ownership(st)))"
            }
            current = (current as NSString).deletingLastPathComponent
        }
        return ""
    }
}

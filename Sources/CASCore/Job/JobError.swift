import Foundation

/// Why a job could not start or had to stop outside any one stage.
public enum JobError: CASError {
    case badID(String)
    case cannotCreate(String, String)
    /// The user's file cannot be used (missing, unreadable, not a file).
    case input(String, String)
    case stage(step: String, error: any CASError)

    public var description: String {
        switch self {
        case .badID(let problem): "bad ID: \(problem)"
        case .cannotCreate(let path, let why):
            why.hasPrefix("Permission denied") || why.hasPrefix("Read-only file system")
                ? "cannot create \(path) as \(FileKind.userName(geteuid())): \(why); \(Self.fix(path))"
                : "cannot create \(path): \(why)"
        case .input(let path, let why): "\(path): \(why)"
        case .stage(_, let error): error.description
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .badID: .usage
        case .cannotCreate: .cannotWrite
        case .input: .noInput
        case .stage(_, let error): error.exitStatus
        }
    }

    /// What to do when `path` cannot be created: whose directory it is, and who must be able to write it.
    static func fix(_ path: String) -> String {
        var parent = (path as NSString).deletingLastPathComponent
        var st = stat()
        while parent.count > 1, stat(parent, &st) != 0 { parent = (parent as NSString).deletingLastPathComponent }
        let user = FileKind.userName(geteuid())
        let owner = stat(parent, &st) == 0 ? " (\(FileKind.ownership(st, group: false)))" : ""
        return "\(parent)\(owner) must be writable by \(user): run cas as the casuser, or chown \(user) \(parent)"
    }

    /// A stage's failure; an error that is not a ``CASError`` is reported as an internal failure.
    static func wrap(_ step: String, _ error: any Error) -> JobError {
        if let error = error as? any CASError { return .stage(step: step, error: error) }
        return .stage(step: step, error: CommandError.cannotStart(step, "\(error)"))
    }
}

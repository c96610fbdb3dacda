import Foundation

/// Why purge refused to run or could not reach a directory.
public enum PurgeError: CASError {
    /// `workDirectory` (or `debugs`) is unset, `/`, or not a directory: purge deletes nothing.
    case refusedRoot(key: String, path: String, reason: String)
    /// A directory could not be opened or listed.
    case cannotOpen(String, String)
    /// Another purge holds the work directory.
    case alreadyRunning(String)

    public var description: String {
        switch self {
        case .refusedRoot(let key, let path, let reason):
            "refusing to purge: \(key) '\(path)' \(reason); set \(key) in the configuration to the directory CAS owns"
        case .cannotOpen(let path, let why): "\(path): \(why)"
        case .alreadyRunning(let path): "another purge is running on \(path); nothing done"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .refusedRoot: .configuration
        case .cannotOpen: .cannotWrite
        case .alreadyRunning: .cannotWrite
        }
    }
}

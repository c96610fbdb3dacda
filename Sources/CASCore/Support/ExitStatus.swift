/// The process exit statuses of `cas` and `cas-admin`, one per failure class (DESIGN: Exit status).
///
/// Values follow BSD `sysexits.h` where one fits, so scripts and cron mail read them the usual way.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// The job or command completed.
    case ok = 0
    /// An unexpected internal failure.
    case failure = 1
    /// The job completed, but some crash commands failed or crash warned: their outputs are missing or
    /// incomplete (the log and `job.json` name which).
    case doneWithWarnings = 3
    /// A command line that cannot be parsed or a bad option value.
    case usage = 64
    /// The input is not usable: not a dump, corrupt, truncated, unsupported, or a hostile archive.
    case badInput = 65
    /// The input file does not exist or cannot be read.
    case noInput = 66
    /// No debuginfo package in the index matches the dump's kernel.
    case noDebuginfo = 69
    /// `crash` failed, timed out or could not open the dump.
    case crashFailed = 70
    /// Writing the job's files failed (disk full, permissions).
    case cannotWrite = 73
    /// The job completed but its mail could not be delivered.
    case mailFailed = 75
    /// No analysis server of the dump's architecture could run the job.
    case noServer = 76
    /// The configuration file or the installation is not usable.
    case configuration = 78

    /// One line for `--help` and the README.
    public var meaning: String {
        switch self {
        case .ok: "done"
        case .failure: "internal error"
        case .doneWithWarnings: "done with warnings: crash commands failed or the dump is incomplete"
        case .usage: "usage error (bad option, bad ID or address)"
        case .badInput: "bad input: not a dump, corrupt, truncated, unsupported or unsafe archive"
        case .noInput: "input file missing or unreadable"
        case .noDebuginfo: "no matching debuginfo (the dump's own log and findings are kept)"
        case .crashFailed: "crash failed, timed out, or could not open the dump"
        case .cannotWrite: "cannot write the job directory or cache (disk full, permissions)"
        case .mailFailed: "job done, but the result mail could not be delivered"
        case .noServer: "no analysis server for the dump's arch (log and findings kept)"
        case .configuration: "configuration or installation error"
        }
    }

    /// The exit status table as `--help` shows it.
    public static var helpTable: String {
        allCases.map { "  \(String($0.rawValue).padding(toLength: 4, withPad: " ", startingAt: 0)) \($0.meaning)" }
            .joined(separator: "\n")
    }
}

/// An error CAS reports to the user: one actionable line and the exit status of its class.
public protocol CASError: Error, CustomStringConvertible {
    /// The exit status this error ends the process with.
    var exitStatus: ExitStatus { get }
}

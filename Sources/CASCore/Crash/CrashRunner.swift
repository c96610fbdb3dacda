import Foundation

/// How one crash process ended, and on which server when it ran on one.
public struct CrashAttempt: Sendable {
    public var result: Command.Result
    /// The analysis server's address; nil when crash ran on this host.
    public var server: String?

    public init(result: Command.Result, server: String? = nil) {
        self.result = result
        self.server = server
    }
}

/// Where a job's crash processes run: on this host (``CrashRun``: the configured crash, or crash_32) or on an
/// analysis server (`RemoteCrashRunner` in Servers/, over ssh). Every batch of a job, the resumed first pass
/// and the `-m` module pass, goes through the one runner ``CrashAnalysis`` is given.
public protocol CrashRunner: Sendable {
    /// The job directory: crash's working directory, where `crash.in`, the wrapper and the outputs are.
    var directory: String { get }

    /// Runs crash on the job's dump and vmlinux in batch mode on `input`, everything it prints into `output`
    /// (both relative to ``directory``), killed after `timeout`. Throws only when crash could not be run at
    /// all (missing binary, no server): crash's own failure is in the result.
    func attempt(input: String, output: String, timeout: Duration) async throws(CrashError) -> CrashAttempt

    /// `crash --minimal` likewise, for a dump crash cannot open in full; nil when this runner has no such mode.
    func minimalAttempt(input: String, output: String, timeout: Duration) async -> Command.Result?
}

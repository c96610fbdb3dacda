import Foundation

/// Crash's runner for a dump of another architecture: each attempt runs the job directory's wrapper on an
/// analysis server of `arch` over ssh (``RemoteRunner``: the least busy server first, the next when a
/// connection fails); the job directory is on storage shared at the same path.
public struct RemoteCrashRunner: CrashRunner {
    public var remote: RemoteRunner
    public var arch: String
    public var directory: String
    /// Where the runner says which server it tries and which failed (the job log).
    public var log: @Sendable (String) -> Void

    public init(remote: RemoteRunner, arch: String, directory: String, log: @escaping @Sendable (String) -> Void) {
        self.remote = remote
        self.arch = arch
        self.directory = directory
        self.log = log
    }

    public func attempt(input: String, output: String, timeout: Duration) async throws(CrashError) -> CrashAttempt {
        let command = RemoteRunner.crashCommand(jobDirectory: directory, input: input, output: output)
        do throws(RemoteError) {
            let outcome = try await remote.run(arch: arch, remoteCommand: command, timeout: timeout, log: log)
            return CrashAttempt(result: outcome.result, server: outcome.server)
        } catch {
            // No server, ssh refused…: not crash's failure; the job fails with the runner's own error.
            throw .unavailable(error)
        }
    }

    /// A server runs the full batch only: crash cannot be restarted there with `--minimal`.
    public func minimalAttempt(input: String, output: String, timeout: Duration) async -> Command.Result? { nil }
}

/// Runs commands on an analysis server with the system's OpenSSH client: BatchMode (keys only, never a
/// password prompt), the casuser as login, the configured extra options as separate arguments.
public struct SSH: Sendable {
    public var user: String
    public var options: [String]
    public var connectTimeout: Int
    public var program: String

    public init(user: String, options: [String], connectTimeout: Int, program: String = "ssh") {
        self.user = user
        self.options = options
        self.connectTimeout = connectTimeout
        self.program = program
    }

    /// The argument array for running `remoteCommand` (one shell command line) on `server`.
    public func arguments(_ server: ServerAddress, _ remoteCommand: String) -> [String] {
        ["-o", "BatchMode=yes", "-o", "ConnectTimeout=\(connectTimeout)", "-p", String(server.port), "-l", user]
            + options + ["--", server.host, remoteCommand]
    }

    /// Runs `remoteCommand` on `server`; ssh exits 255 when the connection itself failed.
    public func run(_ server: ServerAddress, _ remoteCommand: String, timeout: Duration, output: Command.Output = .capture(limit: 1 << 20))
        async throws(CommandError) -> Command.Result
    {
        try await Command(program, arguments(server, remoteCommand), timeout: timeout, output: output).run()
    }

    /// Quotes `text` for a POSIX shell: single quotes, with embedded ones closed, escaped and reopened.
    public static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}

import Foundation

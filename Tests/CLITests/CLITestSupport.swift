import CASCore
import CASTestSupport
import Foundation

/// The former name of the kit's ``TemporaryDirectory`` in the CLI tests.
typealias CLITempDirectory = TemporaryDirectory

extension TemporaryDirectory {
    /// A valid configuration with its directories created; `replacing` edits lines, `extra` adds to [advanced].
    func goodConfig(replacing: [String: String] = [:], advanced: String = "") throws -> String {
        for dir in ["kernels", "debugs", "work"] {
            try FileManager.default.createDirectory(atPath: path + "/" + dir, withIntermediateDirectories: true)
        }
        var text = """
            [settings]
            casuser = \(Settings.currentUserName())
            kernels = \(path)/kernels
            debugs = \(path)/debugs
            workDirectory = \(path)/work
            database = \(path)/cas.db
            smtphost = localhost:2525
            [maintenance]
            autoPurge = No
            [advanced]
            \(advanced)

            """
        for (old, new) in replacing { text = text.replacingOccurrences(of: old, with: new) }
        return try write("cas.conf", text)
    }

    /// An environment that keeps the built-in default inside this directory.
    var environment: [String: String] { ["HOME": path + "/home", "XDG_DATA_HOME": path + "/xdg"] }
}

import CASCore
import Foundation

/// The built `cas` and `cas-admin`, run as a user would, with a controlled environment.
enum BuiltTool {
    /// The directory holding the built executables: the test bundle's own directory under `swift test`
    /// (`.build/<triple>/debug`), else the nearest `.build/debug` above it.
    static let directory: String = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        if FileManager.default.isExecutableFile(atPath: bundle.appendingPathComponent("cas-admin").path) {
            return bundle.path
        }
        var dir = bundle
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent(".build/debug")
            if FileManager.default.isExecutableFile(atPath: candidate.appendingPathComponent("cas-admin").path) {
                return candidate.path
            }
            dir.deleteLastPathComponent()
        }
        return bundle.path
    }()

    /// Runs `tool` (`cas` or `cas-admin`) with `arguments`; `environment` replaces the inherited one except PATH.
    static func run(_ tool: String, _ arguments: [String], environment: [String: String]) async throws -> Command.Result
    {
        var env = environment
        env["PATH"] = env["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return try await Command(directory + "/" + tool, arguments, environment: env, timeout: .seconds(120)).run()
    }
}

/// A fresh directory under the system temp directory, removed when the value is dropped by the test.
final class CLITempDirectory: @unchecked Sendable {
    let path: String

    init() {
        let template = (NSTemporaryDirectory() as NSString).appendingPathComponent("cas-cli.XXXXXX")
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { fatalError("mkdtemp failed for \(template)") }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

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

import Foundation

/// The built `cas` and `cas-admin`, run as a user would.
public enum BuiltBinary {
    /// The directory holding the built executables: the test bundle's own directory under `swift test`
    /// (`.build/<triple>/debug`), else the nearest `.build/debug` above it, else the checkout's.
    public static let directory: String = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        var dir = bundle
        while dir.path != "/" {
            for candidate in [dir.path, dir.path + "/.build/debug"]
            where FileManager.default.isExecutableFile(atPath: candidate + "/cas-admin") {
                return candidate
            }
            dir.deleteLastPathComponent()
        }
        return TestTools.packageRoot + "/.build/debug"
    }()

    /// The path of the built executable `name` (`cas`, `cas-admin`).
    public static func path(_ name: String) -> String { directory + "/" + name }

    /// Runs the built `name` with `arguments` to its end (see ``Spawned`` for the parameters).
    public static func run(
        _ name: String, _ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil,
        stdin: String? = nil, timeout: Double? = nil
    ) throws -> RunResult {
        try TestTools.execute(
            path(name), arguments, in: directory, environment: environment, stdin: stdin, timeout: timeout)
    }

    /// Starts the built `name` (see ``Spawned``); the caller waits for it or kills it.
    public static func start(
        _ name: String, _ arguments: [String], environment: [String: String]? = nil, stdin: String? = nil
    ) throws -> Spawned {
        try Spawned(path(name), arguments, environment: environment, stdin: stdin)
    }

    /// `variables` with the test's own PATH added (when they lack one): an environment that keeps nothing
    /// else of the test's.
    public static func environment(_ variables: [String: String]) -> [String: String] {
        var environment = variables
        environment["PATH"] = environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return environment
    }

    /// The test's own environment with `changes` applied (a nil value removes the variable).
    public static func inheritedEnvironment(_ changes: [String: String?]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in changes { environment[name] = value }
        return environment
    }
}

/// The former name of ``BuiltBinary`` for async tests: `environment` replaces the test's own except PATH,
/// and the run is killed after 120 s.
public enum BuiltTool {
    public static var directory: String { BuiltBinary.directory }

    public static func run(_ tool: String, _ arguments: [String], environment: [String: String]) async throws
        -> RunResult
    {
        try BuiltBinary.run(tool, arguments, environment: BuiltBinary.environment(environment), timeout: 120)
    }
}

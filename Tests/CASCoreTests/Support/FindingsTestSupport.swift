import CASCore
import CASTestSupport
import Foundation

/// Shared helpers of the Findings tests: the built-in rules, temporary directories, and a real
/// job directory made by running the real `crash` on the fixture dump (once per test process).
enum FindingsTestSupport {
    /// The package root, found from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let builtinRulesDirectory = packageRoot.appendingPathComponent("Config/rules").path
    static let fixtureDirectory = packageRoot.appendingPathComponent("../shared/fixtures/kernel-6.1.192-tiny")
        .standardizedFileURL.path

    /// The built-in rules as the repository holds them.
    static func builtinRules() throws -> [Rule] { try RuleSet.loadDirectory(builtinRulesDirectory) }

    /// IDs of the built-in rules that fire on these outputs.
    static func firing(_ outputs: [String: String]) throws -> [String] {
        RuleEngine.evaluate(try builtinRules(), outputs: outputs).map(\.id)
    }

    /// A new empty directory under the system's temporary directory.
    static func temporaryDirectory(_ label: String = "findings") throws -> String {
        let path = NSTemporaryDirectory() + "cas-\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `files` (name → text) into `directory`.
    static func write(_ files: [String: String], into directory: String) throws {
        for (name, text) in files {
            try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
    }

    /// The path of `crash` on PATH, nil when the machine lacks it.
    static var crashPath: String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = "\(directory)/crash"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cachedJob: Result<String, any Error>?

    /// A job directory holding real crash outputs of the fixture dump (sys, traceback, log, modules,
    /// memory, ps), made once per process.
    static func fixtureJob() throws -> String {
        try lock.withLock {
            if cachedJob == nil { cachedJob = Result { try makeFixtureJob() } }
            return try cachedJob!.get()
        }
    }

    private static func makeFixtureJob() throws -> String {
        guard let crash = crashPath else { throw FixtureUnavailable(reason: "crash is not installed") }
        let work = try temporaryDirectory("fixture")
        for name in ["vmlinux", "vmcore.kdump-d31"] {
            try run("/usr/bin/xz", ["-dc", "\(fixtureDirectory)/\(name).xz"], stdout: "\(work)/\(name)")
        }
        let job = work + "/job"
        try FileManager.default.createDirectory(atPath: job, withIntermediateDirectories: true)
        let commands = [
            "sys >> sys", "bt >> traceback", "bt -a >> traceback", "log >> log", "mod >> modules",
            "kmem -i >> memory", "ps >> ps", "exit",
        ]
        try (commands.joined(separator: "\n") + "\n").write(
            toFile: job + "/crash.in", atomically: true, encoding: .utf8)
        try run(
            crash, ["-s", "\(work)/vmlinux", "\(work)/vmcore.kdump-d31", "-i", "\(job)/crash.in"],
            stdout: "\(job)/crash.out", in: job)
        guard FileManager.default.fileExists(atPath: job + "/sys") else {
            throw FixtureUnavailable(reason: "crash wrote no sys output; see \(job)/crash.out")
        }
        return job
    }

    private static func run(_ program: String, _ arguments: [String], stdout: String, in directory: String? = nil)
        throws
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        _ = FileManager.default.createFile(atPath: stdout, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: stdout))
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExitReliably()
        guard process.reliableTerminationStatus == 0 else {
            throw FixtureUnavailable(reason: "\(program) exited \(process.reliableTerminationStatus)")
        }
    }

    struct FixtureUnavailable: Error, CustomStringConvertible {
        var reason: String
        var description: String { "fixture job unavailable: \(reason)" }
    }
}

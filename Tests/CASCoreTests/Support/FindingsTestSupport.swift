import CASCore
import CASTestSupport
import Foundation

/// Shared helpers of the Findings tests: the built-in rules and a real
/// job directory made by running the real `crash` on the fixture dump (once per test process).
enum FindingsTestSupport {
    static let builtinRulesDirectory = TestTools.packageRoot + "/Config/rules"

    /// The built-in rules as the repository holds them.
    static func builtinRules() throws -> [Rule] { try RuleSet.loadDirectory(builtinRulesDirectory) }

    /// IDs of the built-in rules that fire on these outputs.
    static func firing(_ outputs: [String: String]) throws -> [String] {
        RuleEngine.evaluate(try builtinRules(), outputs: outputs).map(\.id)
    }

    /// Writes `files` (name → text) into `directory`.
    static func write(_ files: [String: String], into directory: String) throws {
        for (name, text) in files {
            try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
    }

    /// The path of `crash` on PATH, nil when the machine lacks it.
    static var crashPath: String? { TestTools.which("crash") }

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
        guard let crash = crashPath else { throw TestFailure("fixture job unavailable: crash is not installed") }
        let work = try TemporaryDirectory.make("cas-fixture")
        let job = work + "/job"
        try FileManager.default.createDirectory(atPath: job, withIntermediateDirectories: true)
        let commands = [
            "sys >> sys", "bt >> traceback", "bt -a >> traceback", "log >> log", "mod >> modules",
            "kmem -i >> memory", "ps >> ps", "exit",
        ]
        try (commands.joined(separator: "\n") + "\n").write(
            toFile: job + "/crash.in", atomically: true, encoding: .utf8)
        let result = try TestTools.execute(
            crash, ["-s", try Fixtures.path("vmlinux"), try Fixtures.path("vmcore.kdump-d31"), "-i", "\(job)/crash.in"],
            in: job, stdout: "\(job)/crash.out", mergingStderr: true)
        guard result.status == 0 else { throw TestFailure("fixture job unavailable: crash exited \(result.status)") }
        guard FileManager.default.fileExists(atPath: job + "/sys") else {
            throw TestFailure("fixture job unavailable: crash wrote no sys output; see \(job)/crash.out")
        }
        return job
    }
}

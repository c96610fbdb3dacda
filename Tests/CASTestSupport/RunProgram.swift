import Foundation

/// What a program run by the kit did: its exit status (or the signal that ended it) and its output.
public struct RunResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    /// `stdout` under the name CASCore's `Command.Result` uses, so tests written against it read the same.
    public var standardOutput: String { stdout }
    /// `stderr` under the name CASCore's `Command.Result` uses.
    public var standardError: String { stderr }
}

/// A program started by the kit: no shell, its output going to files (no pipe to fill), its standard input
/// from text or /dev/null. `wait()` reaps it by pid (see ``Foundation/Process/waitUntilExitReliably()``).
public final class Spawned: @unchecked Sendable {
    public let process = Process()
    /// Where its standard output and error go (in a directory of the kit's own, removed by `wait()`).
    public let stdoutPath: String
    public let stderrPath: String
    private let scratch: String
    private let capturesStdout: Bool

    /// Starts `program` (a path, or a name looked up on PATH) with `arguments` in `directory`.
    /// - Parameters:
    ///   - environment: the whole environment of the child; nil inherits the test's.
    ///   - stdin: text for its standard input; nil gives it /dev/null.
    ///   - stdout: a file to write standard output to instead of capturing it (the result's `stdout` is then empty).
    ///   - mergingStderr: standard error goes where standard output goes (the result's `stderr` is then empty).
    public init(
        _ program: String, _ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil,
        stdin: String? = nil, stdout: String? = nil, mergingStderr: Bool = false
    ) throws {
        let dir = try TemporaryDirectory.make("cas-run")
        scratch = dir
        capturesStdout = stdout == nil
        stdoutPath = stdout ?? dir + "/stdout"
        stderrPath = mergingStderr ? stdoutPath : dir + "/stderr"
        process.executableURL = URL(fileURLWithPath: try TestTools.executable(program))
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        guard FileManager.default.createFile(atPath: stdoutPath, contents: nil),
            mergingStderr || FileManager.default.createFile(atPath: stderrPath, contents: nil)
        else { throw TestFailure("cannot create the output files of \(program) in \(dir)") }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        let err = mergingStderr ? out : try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        var input: FileHandle?
        defer {  // the child holds its own copies
            try? out.close()
            if !mergingStderr { try? err.close() }
            try? input?.close()
        }
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            try Data(stdin.utf8).write(to: URL(fileURLWithPath: dir + "/stdin"))
            input = try FileHandle(forReadingFrom: URL(fileURLWithPath: dir + "/stdin"))
        }
        process.standardInput = input ?? FileHandle.nullDevice
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }

    /// True while the program runs (reaps it when it has ended).
    public var isRunning: Bool { process.isRunningReliably }

    /// Sends `signal` (SIGKILL unless told) if it still runs.
    public func kill(_ signal: Int32 = SIGKILL) {
        if process.isRunningReliably { Glibc.kill(process.processIdentifier, signal) }
    }

    /// Waits for the end (killing it after `timeout` seconds when given) and returns status and output.
    public func wait(timeout: Double? = nil) throws -> RunResult {
        if let timeout {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunningReliably && Date() < deadline { usleep(10_000) }
            kill()
        }
        process.waitUntilExitReliably()
        let status = process.reliableTerminationStatus
        let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        let result = RunResult(
            status: status, stdout: capturesStdout ? read(stdoutPath) : "",
            stderr: stderrPath == stdoutPath ? "" : read(stderrPath))
        try? FileManager.default.removeItem(atPath: scratch)
        return result
    }
}

extension TestTools {
    /// Runs `program` to its end (see ``Spawned`` for the parameters) and returns what it did, whatever
    /// its exit status.
    public static func execute(
        _ program: String, _ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil,
        stdin: String? = nil, stdout: String? = nil, mergingStderr: Bool = false, timeout: Double? = nil
    ) throws -> RunResult {
        try Spawned(
            program, arguments, in: directory, environment: environment, stdin: stdin, stdout: stdout,
            mergingStderr: mergingStderr
        ).wait(timeout: timeout)
    }

    /// Runs `program`; its standard output and error together, or a ``TestFailure`` with them when it exits
    /// non-zero.
    @discardableResult
    public static func run(_ program: String, _ arguments: [String], in directory: String? = nil) throws -> String {
        let result = try execute(program, arguments, in: directory, mergingStderr: true)
        guard result.status == 0 else {
            throw TestFailure("\(program) \(arguments.joined(separator: " ")): \(result.stdout)")
        }
        return result.stdout
    }

    /// Runs a shell line (test-made text only) with positional arguments `$0`, `$1`, … passed as arguments,
    /// never interpolated; its standard output, or a ``TestFailure`` with its output when it fails.
    @discardableResult
    public static func sh(_ script: String, _ arguments: String..., in directory: String? = nil) throws -> String {
        let result = try execute("/bin/sh", ["-c", script] + arguments, in: directory)
        guard result.status == 0 else {
            throw TestFailure(
                "sh -c \(script) \(arguments) exited \(result.status):\n\(result.stdout.suffix(3000))"
                    + "\(result.stderr.suffix(3000))")
        }
        return result.stdout
    }

    /// The path of `program`: itself when it holds a `/`, else found on PATH.
    public static func executable(_ program: String) throws -> String {
        if program.contains("/") { return program }
        guard let path = which(program) else { throw TestFailure("\(program) is not on PATH") }
        return path
    }

    /// `name` found on PATH, nil when the machine lacks it.
    public static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }
}

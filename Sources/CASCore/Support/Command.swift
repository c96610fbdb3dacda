import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// One external program run: an argument array (never a shell string), an optional timeout,
/// standard output to a file or captured (bounded), standard error captured (bounded, last bytes kept).
public struct Command: Sendable {
    /// Where standard output goes.
    public enum Output: Sendable {
        /// Captured in memory, keeping at most `limit` bytes (the first ones).
        case capture(limit: Int)
        /// Written to the file at this path, which must not exist yet (created new, mode 0640; never a link).
        case file(String)
        /// Written to the file at this path together with standard error, in the order the program
        /// wrote them (`> file 2>&1`); the result's `standardError` is then empty.
        case fileWithErrors(String)
        /// Thrown away.
        case discard
    }

    /// How the run ended.
    public struct Result: Sendable {
        public var status: Int32?
        public var signal: Int32?
        public var timedOut: Bool
        public var standardOutput: String
        public var standardError: String

        /// True when the program exited with status 0 within the timeout.
        public var succeeded: Bool { status == 0 && !timedOut }

        /// "exit status 3", "killed by signal 9", "timed out after 7200 s"…
        public var summary: String {
            if timedOut { return "timed out" }
            if let signal { return "killed by signal \(signal)" }
            return "exit status \(status ?? -1)"
        }

        /// The last non-empty lines of standard error (or output when stderr is empty), for error messages.
        public func lastLines(_ count: Int = 3) -> String {
            let source = standardError.isEmpty ? standardOutput : standardError
            return source.split(whereSeparator: \.isNewline).suffix(count).joined(separator: " | ")
        }
    }

    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]?
    public var workingDirectory: String?
    public var timeout: Duration?
    public var output: Output
    public var stderrLimit: Int

    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        workingDirectory: String? = nil, timeout: Duration? = nil, output: Output = .capture(limit: 1 << 20),
        stderrLimit: Int = 64 << 10
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeout = timeout
        self.output = output
        self.stderrLimit = stderrLimit
    }

    /// Runs the program in a session of its own, so that a timeout kills it and every child it started.
    public func run() async throws(CommandError) -> Result {
        let exe: Executable = executable.contains("/") ? .path(FilePath(executable)) : .name(executable)
        var options = PlatformOptions()
        options.createSession = true
        let env: Environment = environment.map { .custom(Dictionary(uniqueKeysWithValues: $0.map { (Environment.Key(rawValue: $0.key)!, $0.value) })) } ?? .inherit
        let config = Configuration(
            executable: exe, arguments: Arguments(arguments), environment: env,
            workingDirectory: workingDirectory.map { FilePath($0) }, platformOptions: options)
        let outputFD: FileDescriptor?
        switch output {
        case .file(let path), .fileWithErrors(let path):
            do {
                outputFD = try FileDescriptor.open(
                    FilePath(path), .writeOnly, options: [.create, .exclusiveCreate, .noFollow], permissions: [.ownerReadWrite, .groupRead])
            } catch {
                throw .cannotStart(executable, "cannot create \(path): \(error)")
            }
        default: outputFD = nil
        }
        // With `.file` Subprocess closes the descriptor after spawning; with `.fileWithErrors` we write to it.
        defer { if case .fileWithErrors = output { try? outputFD?.close() } }
        let captureLimit: Int = if case .capture(let limit) = output { limit } else { 0 }
        let timeout = self.timeout
        let stderrLimit = self.stderrLimit
        do {
            let termination: TerminationStatus
            let collected: (Data, Data, Bool)
            if case .fileWithErrors = output, let outputFD {
                let result = try await Subprocess.run(
                    config, input: .none, output: .sequence, error: .combinedWithOutput
                ) { execution in
                    try await Self.supervise(execution, timeout: timeout) {
                        await Self.copy(execution.standardOutput, to: outputFD)
                        return (Data(), Data())
                    }
                }
                (termination, collected) = (result.terminationStatus, result.closureResult)
            } else if let outputFD {
                let result = try await Subprocess.run(
                    config, input: .none, output: .fileDescriptor(outputFD, closeAfterSpawningProcess: true),
                    error: .sequence
                ) { execution in
                    try await Self.supervise(execution, timeout: timeout) {
                        (Data(), await Self.collect(execution.standardError, limit: stderrLimit, keepTail: true))
                    }
                }
                (termination, collected) = (result.terminationStatus, result.closureResult)
            } else {
                let result = try await Subprocess.run(config, input: .none, output: .sequence, error: .sequence) {
                    execution in
                    try await Self.supervise(execution, timeout: timeout) {
                        async let out = Self.collect(execution.standardOutput, limit: captureLimit, keepTail: false)
                        async let err = Self.collect(execution.standardError, limit: stderrLimit, keepTail: true)
                        return (await out, await err)
                    }
                }
                (termination, collected) = (result.terminationStatus, result.closureResult)
            }
            let (out, err, timedOut) = collected
            var result = Result(
                status: nil, signal: nil, timedOut: timedOut,
                standardOutput: String(decoding: out, as: UTF8.self),
                standardError: String(decoding: err, as: UTF8.self))
            switch termination {
            case .exited(let code): result.status = code
            case .signaled(let signal): result.signal = signal
            }
            return result
        } catch let error as CommandError {
            throw error
        } catch {
            throw .cannotStart(executable, "\(error)")
        }
    }

    /// Runs `collect` while a timer waits; on timeout the whole process group is killed.
    private static func supervise<I, O, E>(
        _ execution: Execution<I, O, E>, timeout: Duration?,
        _ collect: @escaping @Sendable () async -> (Data, Data)
    ) async throws -> (Data, Data, Bool) {
        guard let timeout else {
            let (out, err) = await collect()
            return (out, err, false)
        }
        return try await withThrowingTaskGroup(of: (Data, Data, Bool)?.self) { group in
            group.addTask {
                let (out, err) = await collect()
                return (out, err, false)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            var timedOut = false
            var collected: (Data, Data, Bool)?
            while let next = try await group.next() {
                if let next {
                    collected = next
                    group.cancelAll()
                    break
                }
                timedOut = true
                try? execution.send(signal: .kill, toProcessGroup: true)
            }
            if timedOut {
                // The sleeper finished first: wait for the pipes to close after the kill.
                while let next = try? await group.next() {
                    if let next { collected = next }
                }
            }
            let result = collected ?? (Data(), Data(), true)
            return (result.0, result.1, timedOut)
        }
    }

    /// Copies a pipe to a file descriptor until the pipe closes (write errors end the copy, not the run).
    private static func copy(_ sequence: SubprocessOutputSequence, to fd: FileDescriptor) async {
        var writable = true
        do {
            for try await buffer in sequence where writable {
                buffer.withUnsafeBytes { raw in
                    do { _ = try fd.writeAll(raw) } catch { writable = false }
                }
            }
        } catch {}
    }

    /// Reads a pipe to its end, keeping at most `limit` bytes: the first ones, or the last ones.
    private static func collect(_ sequence: SubprocessOutputSequence, limit: Int, keepTail: Bool) async -> Data {
        var data = Data()
        do {
            for try await buffer in sequence {
                buffer.withUnsafeBytes { raw in
                    if keepTail {
                        data.append(contentsOf: raw)
                        if data.count > 2 * limit { data = Data(data.suffix(limit)) }
                    } else if data.count < limit {
                        data.append(contentsOf: raw.prefix(limit - data.count))
                    }
                }
            }
        } catch {}
        return keepTail && data.count > limit ? Data(data.suffix(limit)) : data
    }
}

/// A program could not be started.
public enum CommandError: CASError {
    case cannotStart(String, String)

    public var description: String {
        switch self {
        case .cannotStart(let exe, let why): "cannot run \(exe): \(why)"
        }
    }

    public var exitStatus: ExitStatus { .failure }
}

/// Finds an executable by name on `PATH` (or checks a path), as the shell would.
public func findExecutable(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
    let fm = FileManager.default
    if name.contains("/") { return fm.isExecutableFile(atPath: name) ? name : nil }
    for dir in (path ?? "/usr/bin:/bin").split(separator: ":") {
        let candidate = "\(dir)/\(name)"
        if fm.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

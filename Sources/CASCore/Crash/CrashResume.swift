import Foundation

/// One crash command that did not complete: crash exited, was killed, or stopped the batch while running it.
public struct CrashCommandFailure: Sendable, Equatable, Codable {
    public var command: String
    /// What crash said last (`crash: invalid structure member offset: mm_struct_mmap`), or `timed out`.
    public var reason: String

    public init(command: String, reason: String) {
        self.command = command
        self.reason = reason
    }

    /// `bt: crash: invalid structure member offset: mm_struct_mmap`.
    public var summary: String { "`\(command)`: \(reason)" }
}

/// What a resumable crash run did: how often crash was started and which commands did not complete.
public struct CrashRunOutcome: Sendable, Equatable {
    public var attempts: Int
    public var failures: [CrashCommandFailure]
}

/// Runs a batch of crash commands so that a command that makes crash exit (or stop the batch) costs only its
/// own output: each command is followed by a marker (`!touch .crash-progress/N`); when crash ends before the
/// last marker, the command after the last marker is recorded as failed and the rest run in a new crash process.
///
/// Startup is marked too (`start`): when crash ends before it, crash could not open the dump at all, and the
/// run fails as a whole, as before.
public enum CrashResume {
    /// The folder of markers and per-attempt inputs, in the job directory; removed after the run.
    public static let progressDirectory = JobLayout.crashProgress
    /// How many times crash is started at most for one batch.
    public static let maxAttempts = 8

    /// One attempt: run crash on input file `input` (relative to the job directory) writing `output`,
    /// within `timeout`; the closure returns crash's result (local or over ssh).
    public typealias Attempt =
        @Sendable (_ input: String, _ output: String, _ timeout: Duration) async throws(CrashError) -> Command.Result

    /// The input of one attempt: the start marker, then each command from `first` followed by its marker, then `exit`.
    public static func markedInput(commands: [String], from first: Int) -> String {
        var lines = ["!touch \(progressDirectory)/start"]
        for index in first..<commands.count {
            lines.append(commands[index])
            lines.append("!touch \(progressDirectory)/\(index)")
        }
        lines.append("exit")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Runs `commands` (the commands of `crash.in`) in `directory`, crash's output in `output`, resuming after
    /// a command that ends crash; throws only when crash cannot start on the dump (or times out doing so).
    public static func run(
        commands: [String], directory: String, output: String = JobLayout.crashOutput, timeoutSeconds: Int,
        attempt: Attempt
    ) async throws(CrashError) -> CrashRunOutcome {
        let progress = (directory as NSString).appendingPathComponent(progressDirectory)
        let fm = FileManager.default
        try? fm.removeItem(atPath: progress)
        do {
            try fm.createDirectory(atPath: progress, withIntermediateDirectories: false)
        } catch {
            throw .cannotWrite(progress, (error as NSError).localizedDescription)
        }
        defer { try? fm.removeItem(atPath: progress) }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(timeoutSeconds)
        var outcome = CrashRunOutcome(attempts: 0, failures: [])
        var next = 0
        while next < commands.count || outcome.attempts == 0 {
            outcome.attempts += 1
            let input = "\(progressDirectory)/in.\(outcome.attempts)"
            let thisOutput = outcome.attempts == 1 ? output : "\(progressDirectory)/out.\(outcome.attempts)"
            do throws(AtomicFileError) {
                try AtomicFile.write(
                    Data(markedInput(commands: commands, from: next).utf8),
                    to: (directory as NSString).appendingPathComponent(input))
            } catch {
                throw .cannotWrite(input, error.reason)
            }
            try? fm.removeItem(atPath: progress + "/start")
            let remaining = deadline - clock.now
            let result = try await attempt(input, thisOutput, remaining)
            let outputPath = (directory as NSString).appendingPathComponent(thisOutput)
            let lastLines = CrashRun.lastLines(ofFile: outputPath)
            if outcome.attempts > 1 {
                append(
                    outputPath, to: (directory as NSString).appendingPathComponent(output),
                    after: "cas: crash restarted after `\(commands[next - 1])` failed; the remaining commands follow")
            }
            guard fm.fileExists(atPath: progress + "/start") else {
                // No marker at all but a clean exit: this crash runs no shell commands (`!`); the batch ran
                // as one, as before markers.
                if result.succeeded, outcome.attempts == 1 { break }
                if result.timedOut { throw .timedOut(seconds: timeoutSeconds, directory: directory) }
                let whole = (directory as NSString).appendingPathComponent(output)
                throw .failed(summary: result.summary, lastLines: lastLines, output: whole)
            }
            var done = next
            while done < commands.count, fm.fileExists(atPath: progress + "/\(done)") { done += 1 }
            if done == commands.count { break }
            // Command `done` never completed: crash exited, was killed, stopped the batch, or ran out of time.
            let reason =
                result.timedOut ? "timed out after \(timeoutSeconds) s" : lastLines.isEmpty ? result.summary : lastLines
            outcome.failures.append(CrashCommandFailure(command: commands[done], reason: reason))
            next = done + 1
            if result.timedOut || outcome.attempts >= maxAttempts || clock.now >= deadline {
                let why = result.timedOut ? "out of time" : "too many crash restarts"
                for index in next..<commands.count {
                    outcome.failures.append(CrashCommandFailure(command: commands[index], reason: "not run: \(why)"))
                }
                break
            }
        }
        return outcome
    }

    /// Appends the text of `path` to `target` after a `--- note ---` line, then removes `path`.
    static func append(_ path: String, to target: String, after note: String) {
        defer { unlink(path) }
        guard let data = FileManager.default.contents(atPath: path), let handle = FileHandle(forWritingAtPath: target)
        else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data("\n--- \(note) ---\n".utf8) + data)
    }
}

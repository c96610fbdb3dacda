import Foundation

/// One job's crash work, wherever its ``CrashRunner`` runs crash: the batch of `crash.in` (resumed after a
/// command that ends crash, retried with `--minimal` when crash cannot open the dump), the `-m` module pass,
/// and what crash's output says went wrong.
public struct CrashAnalysis: Sendable {
    public var runner: any CrashRunner
    /// Seconds after which the whole batch (and the module pass, again) is stopped.
    public var timeoutSeconds: Int

    public init(runner: any CrashRunner, timeoutSeconds: Int) {
        self.runner = runner
        self.timeoutSeconds = timeoutSeconds
    }

    var directory: String { runner.directory }

    /// What the batch left: where it ran, which commands did not complete, the errors crash printed and went
    /// on after (partial outputs), and its `WARNING:` lines.
    public struct Report: Sendable, Equatable {
        /// The server of the last attempt; nil when crash ran on this host.
        public var server: String?
        public var outcome: CrashRunOutcome
        public var commandErrors: [CrashCommandFailure]
        public var warnings: [String]
    }

    /// Runs `commands` (those of `crash.in`, without `exit`), crash's output in `crash.out`.
    public func run(commands: [String]) async throws(CrashError) -> Report {
        let server = ServerNote()
        let outcome: CrashRunOutcome
        do {
            outcome = try await runResuming(commands: commands, server: server)
        } catch {
            guard case .failed(let summary, let lastLines, _) = error,
                let minimal = await runMinimal(commands: commands, because: lastLines.isEmpty ? summary : lastLines)
            else { throw error }
            outcome = minimal
        }
        let crashOut = (try? String(contentsOfFile: path(JobLayout.crashOutput), encoding: .utf8)) ?? ""
        return Report(
            server: server.value, outcome: outcome,
            commandErrors: CrashOutputs.commandErrors(in: crashOut, commands: commands),
            warnings: CrashOutputs.warnings(in: crashOut))
    }

    /// `-m`: writes the second pass's batch (load every module debug file under `moduleDirectory` with
    /// `mod -S`, then each of `files` by name with `mod -s`, rerun the backtraces), runs it through the same
    /// runner, and reads what crash loaded of `expected`.
    public func modulePass(
        moduleDirectory: String?, files: [(name: String, path: String)] = [], expected: [String]
    ) async throws(CrashError) -> CrashModules.Load {
        let text = try CrashModules.secondPassInput(moduleDirectory: moduleDirectory, files: files)
        let output = try await batch(text, input: JobLayout.modulesInput, output: JobLayout.modulesOutput)
        let table = (try? String(contentsOfFile: path(JobLayout.modulesTable), encoding: .utf8)) ?? ""
        return CrashModules.load(table: table, output: output, expected: expected)
    }

    /// Writes `text` as `input` in the job directory, runs it through the same runner (the same crash, dump,
    /// vmlinux and timeout) with crash's output in `output`, and returns that output.
    public func batch(_ text: String, input: String, output: String) async throws(CrashError) -> String {
        let inputPath = path(input)
        do throws(AtomicFileError) {
            try AtomicFile.write(Data(text.utf8), to: inputPath)
        } catch {
            throw .cannotWrite(inputPath, error.reason)
        }
        let attempt = try await runner.attempt(input: input, output: output, timeout: .seconds(timeoutSeconds))
        let outputPath = path(output)
        if attempt.result.timedOut { throw .timedOut(seconds: timeoutSeconds, directory: directory) }
        guard attempt.result.succeeded else {
            let on = attempt.server.map { "on \($0): " } ?? ""
            throw .failed(
                summary: on + attempt.result.summary, lastLines: CrashRun.lastLines(ofFile: outputPath),
                output: outputPath)
        }
        return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    private func path(_ name: String) -> String { JobLayout.path(name, in: directory) }

    private func runResuming(commands: [String], server: ServerNote) async throws(CrashError) -> CrashRunOutcome {
        let runner = runner
        return try await CrashResume.run(
            commands: commands, directory: directory, output: JobLayout.crashOutput, timeoutSeconds: timeoutSeconds
        ) { input, output, timeout throws(CrashError) in
            let attempt = try await runner.attempt(input: input, output: output, timeout: timeout)
            server.value = attempt.server
            return attempt.result
        }
    }

    /// `crash --minimal` on the minimal-mode commands, output appended to `crash.out`; nil when the runner has
    /// no minimal mode, crash cannot start even so, or none of them wrote anything.
    ///
    /// For a truncated dump whose kernel data is missing: the findings still get whatever kernel log there is;
    /// the other commands are reported as not run.
    func runMinimal(commands: [String], because reason: String) async -> CrashRunOutcome? {
        let chosen = commands.filter(CrashRun.runsMinimal)
        guard !chosen.isEmpty else { return nil }
        let inputPath = path(JobLayout.minimalInput)
        defer { unlink(inputPath) }
        let batch = (chosen + ["exit"]).joined(separator: "\n") + "\n"
        guard (try? AtomicFile.write(Data(batch.utf8), to: inputPath)) != nil else { return nil }
        let result = await runner.minimalAttempt(
            input: JobLayout.minimalInput, output: JobLayout.minimalOutput, timeout: .seconds(timeoutSeconds))
        guard result != nil || FileManager.default.fileExists(atPath: path(JobLayout.minimalOutput)) else { return nil }
        let ran = chosen.map { "`\($0)`" }.joined(separator: ", ")
        CrashResume.append(
            path(JobLayout.minimalOutput), to: path(JobLayout.crashOutput),
            after: "cas: crash could not start on the dump; ran \(ran) with --minimal")
        // Useful only when a command wrote more than its own error lines (`log: read error: …`).
        let targets = CrashOutputs.redirectTargets(in: chosen.joined(separator: "\n"))
        let useful = targets.contains { name in
            let text = (try? String(contentsOfFile: path(name), encoding: .utf8)) ?? ""
            return text.split(whereSeparator: \.isNewline).contains { line in
                !chosen.contains { line.hasPrefix(($0.split(separator: " ").first ?? "") + ": ") }
            }
        }
        guard useful else { return nil }
        let why = "not run: crash could not start on the dump (\(reason)); --minimal ran only log"
        let failures = commands.filter { !CrashRun.runsMinimal($0) }.map {
            CrashCommandFailure(command: $0, reason: why)
        }
        return CrashRunOutcome(attempts: 2, failures: failures)
    }
}

/// The server of the latest attempt, carried out of the attempt closure.
private final class ServerNote: @unchecked Sendable {
    private let lock = NSLock()
    private var server: String?
    var value: String? {
        get { lock.withLock { server } }
        set { lock.withLock { server = newValue } }
    }
}

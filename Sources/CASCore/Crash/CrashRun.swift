import Foundation

/// One batch run of crash in a job directory: `crash -s <vmlinux> <dump> -i <input>`, all output to a file.
public struct CrashRun: Sendable {
    /// The crash binary (a name on PATH or a path).
    public var crash: String
    /// The job directory: crash's working directory, where its `>> file` redirections land.
    public var directory: String
    /// The dump and the debug vmlinux (absolute, or relative to `directory`).
    public var dump: String
    public var vmlinux: String
    /// The command file and the output file, relative to `directory`.
    public var input: String
    public var output: String
    /// Seconds after which crash and everything it started are killed.
    public var timeoutSeconds: Int

    public init(
        crash: String, directory: String, dump: String, vmlinux: String,
        input: String = "crash.in", output: String = "crash.out", timeoutSeconds: Int
    ) {
        self.crash = crash
        self.directory = directory
        self.dump = dump
        self.vmlinux = vmlinux
        self.input = input
        self.output = output
        self.timeoutSeconds = timeoutSeconds
    }

    /// The argument array crash is given.
    public var arguments: [String] { ["-s", vmlinux, dump, "-i", input] }

    /// Why the program at `path` cannot be started, when the file says so: missing, a directory, or not executable.
    static func launchProblem(_ path: String) -> String? {
        guard path.contains("/") else { return "not found on PATH" }
        var info = stat()
        guard stat(path, &info) == 0 else { return "no such file" }
        if info.st_mode & S_IFMT == S_IFDIR { return "is a directory" }
        if access(path, X_OK) != 0 || info.st_mode & 0o111 == 0 {
            return "not executable (mode \(String(info.st_mode & 0o7777, radix: 8)))"
        }
        return nil
    }

    /// Runs crash with no terminal (stdin `/dev/null`), stdout and stderr together in `output`.
    ///
    /// Throws `.timedOut` (partial outputs kept) or `.failed` carrying crash's own last lines.
    /// Returns how long crash ran.
    @discardableResult
    public func run() async throws(CrashError) -> Duration {
        let outputPath = (directory as NSString).appendingPathComponent(output)
        let command = Command(
            Self.resolve(crash), arguments, workingDirectory: directory, timeout: .seconds(timeoutSeconds),
            output: .fileWithErrors(outputPath))
        let clock = ContinuousClock()
        let start = clock.now
        let result: Command.Result
        do {
            result = try await command.run()
        } catch {
            guard case .cannotStart(_, let why) = error else { throw .cannotStart(crash, "\(error)") }
            throw .cannotStart(crash, Self.launchProblem(Self.resolve(crash)) ?? why)
        }
        if result.timedOut { throw .timedOut(seconds: timeoutSeconds, directory: directory) }
        guard result.succeeded else {
            throw .failed(
                summary: result.summary, lastLines: Self.lastLines(ofFile: outputPath), output: outputPath)
        }
        return clock.now - start
    }

    /// Runs the commands of `crash.in` so that one command that ends crash costs only its own output
    /// (``CrashResume``): crash is restarted after it on the remaining commands.
    ///
    /// When crash cannot start on the dump at all (a truncated dump whose kernel data is missing), it is tried
    /// once more with `--minimal`, running only the commands that mode has (`log`), so the findings still
    /// get whatever kernel log there is; the other commands are reported as not run.
    public func runResuming(commands: [String]) async throws(CrashError) -> CrashRunOutcome {
        do {
            return try await runResumingFull(commands: commands)
        } catch {
            guard case .failed(let summary, let lastLines, _) = error,
                let outcome = await runMinimal(commands: commands, because: lastLines.isEmpty ? summary : lastLines)
            else { throw error }
            return outcome
        }
    }

    /// The commands `crash --minimal` can run.
    static func runsMinimal(_ command: String) -> Bool {
        let verb = command.split(separator: " ").first.map(String.init) ?? ""
        return ["log", "rd", "dis", "sym", "eval"].contains(verb)
    }

    /// `crash --minimal` on the minimal-mode commands, output appended to ``output``; nil when crash cannot
    /// start even so or none of them wrote anything.
    func runMinimal(commands: [String], because reason: String) async -> CrashRunOutcome? {
        let chosen = commands.filter(Self.runsMinimal)
        guard !chosen.isEmpty else { return nil }
        let input = ".crash-minimal.in"
        let inputPath = (directory as NSString).appendingPathComponent(input)
        let outputPath = (directory as NSString).appendingPathComponent(".crash-minimal.out")
        defer {
            unlink(inputPath)
        }
        guard (try? AtomicFile.write(Data(((chosen + ["exit"]).joined(separator: "\n") + "\n").utf8), to: inputPath)) != nil
        else { return nil }
        let command = Command(
            Self.resolve(crash), ["-s", "--minimal", vmlinux, dump, "-i", input], workingDirectory: directory,
            timeout: .seconds(timeoutSeconds), output: .fileWithErrors(outputPath))
        _ = try? await command.run()
        let ran = chosen.map { "`\($0)`" }.joined(separator: ", ")
        CrashResume.append(
            outputPath, to: (directory as NSString).appendingPathComponent(output),
            after: "cas: crash could not start on the dump; ran \(ran) with --minimal")
        // Useful only when a command wrote more than its own error lines (`log: read error: …`).
        let targets = CrashOutputs.redirectTargets(in: chosen.joined(separator: "\n"))
        let useful = targets.contains { name in
            let path = (directory as NSString).appendingPathComponent(name)
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            return text.split(whereSeparator: \.isNewline).contains { line in
                !chosen.contains { line.hasPrefix(($0.split(separator: " ").first ?? "") + ": ") }
            }
        }
        guard useful else { return nil }
        let why = "not run: crash could not start on the dump (\(reason)); --minimal ran only log"
        let failures = commands.filter { !Self.runsMinimal($0) }.map { CrashCommandFailure(command: $0, reason: why) }
        return CrashRunOutcome(attempts: 2, failures: failures)
    }

    func runResumingFull(commands: [String]) async throws(CrashError) -> CrashRunOutcome {
        let binary = Self.resolve(crash)
        let (crash, directory, vmlinux, dump) = (crash, directory, vmlinux, dump)
        return try await CrashResume.run(
            commands: commands, directory: directory, output: output, timeoutSeconds: timeoutSeconds
        ) { input, output, timeout throws(CrashError) in
            let outputPath = (directory as NSString).appendingPathComponent(output)
            let command = Command(
                binary, ["-s", vmlinux, dump, "-i", input], workingDirectory: directory,
                timeout: max(timeout, .seconds(1)), output: .fileWithErrors(outputPath))
            return try await Self.execute(command, crash: crash, binary: binary)
        }
    }

    /// Runs `command` (crash), turning a failure to start it into ``CrashError/cannotStart(_:_:)``.
    static func execute(_ command: Command, crash: String, binary: String) async throws(CrashError) -> Command.Result {
        do {
            return try await command.run()
        } catch {
            guard case .cannotStart(_, let why) = error else { throw .cannotStart(crash, "\(error)") }
            throw .cannotStart(crash, Self.launchProblem(binary) ?? why)
        }
    }

    /// A bare binary name looked up in the absolute `PATH` entries only, so that a job directory's own
    /// `crash` wrapper is never found instead (it would exec itself). Unfound names are returned unchanged.
    public static func resolve(_ binary: String) -> String {
        guard !binary.contains("/") else { return binary }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let absolute = path.split(separator: ":").filter { $0.hasPrefix("/") }.joined(separator: ":")
        return findExecutable(binary, path: absolute) ?? binary
    }

    /// crash's own diagnosis from its output: the last `crash: …` lines if any, else the last lines.
    public static func lastLines(of text: String, count: Int = 3) -> String {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let own = lines.filter { $0.hasPrefix("crash: ") || $0.hasPrefix("crash_32: ") }
        return (own.isEmpty ? lines : own).suffix(count).joined(separator: " | ")
    }

    /// `lastLines(of:)` over the last 64 KiB of a file.
    static func lastLines(ofFile path: String) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 65536 ? size - 65536 : 0)
        let data = (try? handle.readToEnd()) ?? Data()
        return lastLines(of: String(decoding: data, as: UTF8.self))
    }
}

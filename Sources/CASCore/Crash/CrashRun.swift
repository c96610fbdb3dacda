import Foundation

/// Crash on this host in a job directory: `crash -s <vmlinux> <dump> -i <input>`, all output to a file. The
/// local ``CrashRunner``; ``run()`` runs one batch by itself.
public struct CrashRun: CrashRunner {
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
        input: String = JobLayout.crashInput, output: String = JobLayout.crashOutput, timeoutSeconds: Int
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
    public var arguments: [String] { arguments(input: input) }

    /// The argument array for the batch in `input`.
    func arguments(input: String) -> [String] { ["-s", vmlinux, dump, "-i", input] }

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
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await attempt(input: input, output: output, timeout: .seconds(timeoutSeconds)).result
        if result.timedOut { throw .timedOut(seconds: timeoutSeconds, directory: directory) }
        guard result.succeeded else {
            throw .failed(
                summary: result.summary, lastLines: Self.lastLines(ofFile: outputPath), output: outputPath)
        }
        return clock.now - start
    }

    /// The commands `crash --minimal` can run.
    static func runsMinimal(_ command: String) -> Bool {
        let verb = command.split(separator: " ").first.map(String.init) ?? ""
        return ["log", "rd", "dis", "sym", "eval"].contains(verb)
    }

    public func attempt(input: String, output: String, timeout: Duration) async throws(CrashError) -> CrashAttempt {
        let binary = Self.resolve(crash)
        let command = Command(
            binary, arguments(input: input), workingDirectory: directory, timeout: max(timeout, .seconds(1)),
            output: .fileWithErrors((directory as NSString).appendingPathComponent(output)))
        return CrashAttempt(result: try await Self.execute(command, crash: crash, binary: binary))
    }

    public func minimalAttempt(input: String, output: String, timeout: Duration) async -> Command.Result? {
        let command = Command(
            Self.resolve(crash), ["-s", "--minimal", vmlinux, dump, "-i", input], workingDirectory: directory,
            timeout: max(timeout, .seconds(1)),
            output: .fileWithErrors((directory as NSString).appendingPathComponent(output)))
        return try? await command.run()
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

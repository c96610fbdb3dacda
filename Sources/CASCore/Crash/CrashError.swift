/// Why the crash stage failed: snippets, the wrapper, or crash itself.
public enum CrashError: CASError {
    /// The snippets directory is missing or unreadable.
    case snippetsUnreadable(String, String)
    /// The snippets directory holds no snippet at all.
    case noSnippets(String)
    /// A job file (wrapper, `crash.in`) could not be written.
    case cannotWrite(String, String)
    /// crash could not be started at all (missing binary, not executable).
    case cannotStart(String, String)
    /// crash ran past the timeout and was killed; partial outputs are kept.
    case timedOut(seconds: Int, directory: String)
    /// crash ended badly; carries its own last lines (e.g. "crash: vmlinux and vmcore do not match!").
    case failed(summary: String, lastLines: String, output: String)
    /// The dump's architecture needs an analysis server, and none is configured yet.
    case needsServer(arch: String, host: String)
    /// A path that crash's command parser would split or redirect (spaces, quotes, `|`, `>`).
    case unsafeCrashPath(String)
    /// The runner could not run crash at all where the dump needs it (no server, every server refused):
    /// not crash's failure; the runner's own error, its message and exit status.
    case unavailable(any CASError)

    public var description: String {
        switch self {
        case .snippetsUnreadable(let dir, let why):
            "cannot read snippets directory \(dir): \(why) (set 'snippets' in [settings] or reinstall)"
        case .noSnippets(let dir):
            "snippets directory \(dir) holds no snippet files (set 'snippets' in [settings] or reinstall)"
        case .cannotWrite(let path, let why): "cannot write \(path): \(why)"
        case .cannotStart(let crash, let why):
            "cannot run crash '\(crash)': \(why) (check 'crash' in [advanced])"
        case .timedOut(let seconds, let dir):
            "crash did not finish within \(seconds) s and was killed; partial outputs kept in \(dir) "
                + "(raise 'crashTimeout' in [advanced] for very large dumps)"
        case .failed(let summary, let lines, let output):
            "crash failed (\(summary)): \(lines.isEmpty ? "no output" : lines) (see \(output))"
        case .needsServer(let arch, let host):
            "the dump is \(arch) but this host is \(host): it needs an analysis server of architecture \(arch), "
                + "and remote analysis is not available in this version"
        case .unsafeCrashPath(let path):
            "path \(path) cannot be passed inside a crash command (it contains blanks, quotes, '|' or '>')"
        case .unavailable(let error): error.description
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .snippetsUnreadable, .noSnippets: .configuration
        case .cannotWrite: .cannotWrite
        case .cannotStart, .timedOut, .failed, .unsafeCrashPath: .crashFailed
        case .needsServer: .noServer
        case .unavailable(let error): error.exitStatus
        }
    }
}

import Foundation

/// What a job's result mail says: plain values from the job, plus the output files read from its directory.
public struct MailContent: Sendable, Equatable {
    /// How the job ended.
    public enum Outcome: Sendable, Equatable {
        /// The analysis completed; `findings` is the findings summary text.
        case done(findings: String)
        /// The job stopped at `step` with `error`.
        case failed(step: String, error: String)
    }

    public var caseId: String
    /// The job directory.
    public var directory: String
    public var outcome: Outcome
    /// The host that ran crash.
    public var server: String?
    public var release: String?
    public var arch: String?
    /// The dump's identity in one line (release, arch, build ID), when known.
    public var identity: String?
    /// The dump file as the user gave it, for the re-run command.
    public var dump: String?
    /// Where the debug kernel came from (the package and how it matched, or the debuginfod URL).
    public var debuginfo: String?
    /// Where `-m`'s module debug files came from (debuginfod URLs by module), when any was fetched.
    public var moduleDebuginfo: String?

    public init(
        caseId: String, directory: String, outcome: Outcome, server: String? = nil, release: String? = nil,
        arch: String? = nil, identity: String? = nil, dump: String? = nil, debuginfo: String? = nil,
        moduleDebuginfo: String? = nil
    ) {
        self.debuginfo = debuginfo
        self.moduleDebuginfo = moduleDebuginfo
        self.caseId = caseId
        self.directory = directory
        self.outcome = outcome
        self.server = server
        self.release = release
        self.arch = arch
        self.identity = identity
        self.dump = dump
    }

    /// The job's output files the mail quotes or attaches.
    public struct Outputs: Sendable, Equatable {
        /// The crashing task's backtrace (`traceback`).
        public var traceback: String?
        /// The `sys` output.
        public var sys: String?
        /// The last lines of the kernel log (crash's `log`, else `dmesg` read from the dump by CAS).
        public var logTail: String?
        /// `findings.txt`, for a job that ended before crash ran (its findings come from `dmesg`).
        public var findings: String?
        /// The last lines of the process log (`<ID>.log`), for failure mails.
        public var processLogTail: String?
        /// `crash.out` when present: its path, size, and its bytes when within the attachment limit.
        public var crashOut: (path: String, size: Int64, data: [UInt8]?)?

        public init(
            traceback: String? = nil, sys: String? = nil, logTail: String? = nil, processLogTail: String? = nil,
            crashOut: (path: String, size: Int64, data: [UInt8]?)? = nil
        ) {
            self.traceback = traceback
            self.sys = sys
            self.logTail = logTail
            self.processLogTail = processLogTail
            self.crashOut = crashOut
        }

        public static func == (a: Outputs, b: Outputs) -> Bool {
            a.traceback == b.traceback && a.sys == b.sys && a.logTail == b.logTail
                && a.processLogTail == b.processLogTail && a.findings == b.findings
                && a.crashOut?.path == b.crashOut?.path && a.crashOut?.size == b.crashOut?.size
                && a.crashOut?.data == b.crashOut?.data
        }

        /// Largest part of a text file quoted in the body (its end is kept).
        public static let quoteLimit = 256 << 10

        /// Reads `traceback`, `sys`, the last `logLines` of `log`, the end of `<caseId>.log` and `crash.out`
        /// (attached when at most `attachLimit` bytes) from `directory`; missing files are left out.
        public static func read(directory: String, caseId: String, attachLimit: Int64, logLines: Int = 100) -> Outputs {
            var outputs = Outputs()
            func path(_ name: String) -> String { JobLayout.path(name, in: directory) }
            outputs.traceback = text(path(JobLayout.traceback))
            outputs.sys = text(path(JobLayout.sys)).map(systemSummary)
            outputs.logTail = (text(path(JobLayout.log)) ?? text(path(JobLayout.dmesg))).map { lastLines($0, logLines) }
            outputs.findings = text(path(JobLayout.findings))
            outputs.processLogTail = text(path(JobLayout.log(caseId: caseId))).map { lastLines($0, 20) }
            let crashOut = path(JobLayout.crashOutput)
            if let size = FileSystem.size(crashOut) {
                let data = size <= attachLimit ? FileManager.default.contents(atPath: crashOut).map { Array($0) } : nil
                outputs.crashOut = (crashOut, size, data)
            }
            return outputs
        }

        static func text(_ path: String) -> String? {
            guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
            defer { try? handle.close() }
            let size = (try? handle.seekToEnd()) ?? 0
            try? handle.seek(toOffset: size > UInt64(quoteLimit) ? size - UInt64(quoteLimit) : 0)
            guard let data = try? handle.readToEnd() else { return nil }
            return String(decoding: data, as: UTF8.self)
        }

        /// `sys` without the system call table `sys -c` appends (hundreds of lines no reader of a results mail
        /// wants): the text up to crash's `NUM  SYSTEM CALL` header line. The file keeps it all.
        public static func systemSummary(_ text: String) -> String {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            guard let header = lines.firstIndex(where: { line in
                let words = line.split(separator: " ", omittingEmptySubsequences: true)
                return words.count >= 3 && words[0] == "NUM" && words[1] == "SYSTEM" && words[2] == "CALL"
            }) else { return text }
            return lines[..<header].joined(separator: "\n").trimmingCharacters(in: .newlines) + "\n"
        }

        /// The last `count` lines of `text`.
        public static func lastLines(_ text: String, _ count: Int) -> String {
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.last?.isEmpty == true { lines.removeLast() }
            return lines.suffix(count).joined(separator: "\n")
        }
    }
}

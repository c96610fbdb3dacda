import Foundation

/// The one record of a job: how far it got and what each stage found. Written to `job.json` (through
/// ``JobJSON``) and, as a ``JobRecord`` row derived from it, to the jobs table; printed by `cas --json`.
public struct JobReport: Codable, Sendable, Equatable {
    public struct Kernel: Codable, Sendable, Equatable {
        public var format: String?
        public var release: String?
        public var version: String?
        public var arch: String?
        public var buildId: String?
    }

    public struct Debuginfo: Codable, Sendable, Equatable {
        public var package: String?
        public var vmlinux: String?
        /// How the kernel was matched ("build ID", "release and arch", "banner") and why that one.
        public var match: String?
    }

    /// How much of the dump is missing (cut short, makedumpfile's incomplete flag, ELF segments past the end).
    public struct Completeness: Codable, Sendable, Equatable {
        public var actualBytes: Int64
        public var expectedBytes: Int64?
        public var missingBytes: Int64
        public var incompleteFlag: Bool
        public var problem: String
    }

    /// An error crash printed for a command it went on after: that command's output is partial or empty.
    public struct CrashCommandError: Codable, Sendable, Equatable {
        public var command: String
        public var message: String
    }

    public var id: String
    public var directory: String
    /// The stage the job is in, or how it ended.
    public var state: JobRecord.State
    /// The stage that failed.
    public var step: JobRecord.State?
    public var error: String?
    public var exitStatus: Int32?
    public var file: String
    public var dump: String?
    public var member: String?
    public var kernel: Kernel?
    public var dumpCompleteness: Completeness?
    public var debuginfo: Debuginfo?
    public var server: String?
    /// Output files crash produced, with their sizes in bytes.
    public var outputs: [String: Int64] = [:]
    /// crash commands that did not complete (crash exited, was killed or stopped): their outputs are missing.
    public var crashFailures: [CrashCommandFailure]?
    public var crashErrors: [CrashCommandError]?
    /// Seconds spent in each stage.
    public var timings: [String: Double] = [:]
    public var startedAt: Date
    public var finishedAt: Date?
    public var mail: String?

    public init(id: String, directory: String, file: String, startedAt: Date) {
        self.id = id
        self.directory = directory
        self.state = .intake
        self.file = file
        self.startedAt = startedAt
    }

    /// Merges the record's keys into `<directory>/job.json`, keeping the keys the findings wrote.
    func write() throws(JobJSON.Failure) {
        try JobJSON.merge(try JobJSON.fields(of: self), into: directory)
    }
}

extension JobRecord {
    /// The jobs table's row for `report`: row `id`, run by process `pid`.
    init(_ report: JobReport, id: Int64?, pid: Int32?) {
        self.init(caseId: report.id, directory: report.directory, state: report.state, pid: pid, startedAt: report.startedAt)
        self.id = id
        step = report.step?.rawValue
        error = report.error
        dump = report.dump
        (release, arch, buildId) = (report.kernel?.release, report.kernel?.arch, report.kernel?.buildId)
        vmlinux = report.debuginfo?.vmlinux
        server = report.server
        finishedAt = report.finishedAt
        mailState = report.mail
    }
}

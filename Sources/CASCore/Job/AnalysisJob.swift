import Foundation
import Logging

/// What an analyst asked for: `cas -i ID -f FILE [-e EMAIL]... [-m]`.
public struct JobRequest: Sendable {
    public var caseId: String
    /// The user's file, absolute; never moved or changed.
    public var file: String
    public var emails: [String]
    public var modules: Bool
    /// The running executable, to find the installed snippets.
    public var executablePath: String

    public init(caseId: String, file: String, emails: [String] = [], modules: Bool = false, executablePath: String) {
        self.caseId = caseId
        self.file = file
        self.emails = emails
        self.modules = modules
        self.executablePath = executablePath
    }
}

/// One analysis job, on one page: DESIGN's stages in order (intake → identify → lookup → crash, then the
/// findings and the mail), each a call of ``JobStages`` with a typed input and output, and one record of
/// how far it got (``JobReport``), saved to the jobs table and `job.json` as each stage is entered.
/// `Job/` only sequences and records; every stage does its own work.
public final class AnalysisJob: @unchecked Sendable {
    public let request: JobRequest
    public let directory: JobDirectory
    /// The job's one record; the jobs table's row is derived from it (``save()``).
    public internal(set) var report: JobReport
    let stages: JobStages
    let store: Store
    let mailer: Mailer?
    let logger = Logger.cas("cas")
    let rowId: Int64?
    /// `[maintenance] keepFailedInput`: a job that ends before crash keeps its copy of the upload.
    let keepFailedInput: Bool
    private let lock: DirectoryLock?
    private let logToken: LogFileToken?
    /// The cache entry of the job's vmlinux, locked shared for the job's life (``LookupStage/Output/cacheLock``).
    var cacheLock: DirectoryLock?
    /// Set once `dmesg` (the dump's own kernel log) is written: a later failure to find the debuginfo, a
    /// server or to run crash then ends the job `.partial` rather than `.failed`.
    var hasKernelLog = false
    /// The text of `findings.txt`, for the mail.
    public internal(set) var findingsSummary: String?

    /// Checks the input, then creates the job directory (locked for the job's life), its log and its row.
    /// Nothing is written when the ID or the file is unusable.
    /// `mailer` (from ``MailDelivery/prepare(settings:recipients:)``) sends the result to `request.emails`;
    /// `stages` are ``JobStages/standard(request:settings:store:)`` unless a test gives stand-ins.
    public static func start(
        _ request: JobRequest, settings: Settings, store: Store, mailer: Mailer? = nil, stages: JobStages? = nil
    ) throws(JobError) -> AnalysisJob {
        if let problem = CaseID.problem(request.caseId) { throw .badID(problem) }
        try checkReadable(request.file)
        let directory = try JobDirectory.create(
            workDirectory: settings.workDirectory, caseId: request.caseId, group: settings.analysts)
        return try AnalysisJob(
            request: request, directory: directory, store: store, mailer: mailer,
            stages: stages ?? .standard(request: request, settings: settings, store: store),
            logLevel: settings.debugLevel == .debug ? .debug : .info, keepFailedInput: settings.keepFailedInput)
    }

    private init(
        request: JobRequest, directory: JobDirectory, store: Store, mailer: Mailer?, stages: JobStages,
        logLevel: Logger.Level, keepFailedInput: Bool
    ) throws(JobError) {
        self.request = request
        self.keepFailedInput = keepFailedInput
        self.directory = directory
        self.store = store
        self.mailer = mailer
        self.stages = stages
        lock = try? DirectoryLock(path: directory.path, exclusive: true, wait: false)
        logToken = try? LogSink.shared.attach(file: directory.logPath, level: logLevel)
        report = JobReport(id: request.caseId, directory: directory.path, file: request.file, startedAt: Date())
        do {
            rowId = try store.insertJob(JobRecord(report, id: nil, pid: getpid())).id
            // Recorded at the start, so that `cas-admin mail ID` can resend to them whatever happens later.
            if !request.emails.isEmpty, let rowId { try store.setRecipients(request.emails, jobId: rowId) }
        } catch {
            throw .wrap("starting", error)
        }
        try directory.pointLatest()
    }

    deinit {
        if let logToken { LogSink.shared.detach(logToken) }
        cacheLock?.unlock()
        lock?.unlock()
    }

    static func checkReadable(_ file: String) throws(JobError) {
        if let problem = FileKind.problem(file) { throw .input(file, problem) }
    }

    /// Runs every stage; never throws: a failure is recorded (state, step, error) and returned in the report.
    public func run() async -> JobReport {
        logger.info("job \(request.caseId) in \(directory.path)")
        logger.info("input \(request.file) (\(ByteCount.format(FileSystem.size(request.file) ?? 0)))")
        do {
            try await runStages()
            report.state = .done
            logger.info("done: \(directory.path)")
        } catch {
            fail(error)
            giveBackInput()
        }
        report.finishedAt = Date()
        if report.exitStatus == nil { report.exitStatus = ExitStatus.ok.rawValue }
        save()
        sendMail()
        return report
    }

    /// The stages in order, each recording what it found.
    func runStages() async throws(JobError) {
        let intake = try await stage(.intake) { try await stages.intake(request.file, directory.path) }
        report.dump = intake.dump
        report.member = intake.layers.isEmpty ? nil : intake.dump
        let dump = JobLayout.path(intake.dump, in: directory.path)

        let identified = try await stage(.identify) { try await stages.identify(dump, intake.dump, directory.path) }
        let identity = identified.identity
        report.kernel = .init(
            format: identity.format, release: identity.release, version: identity.version, arch: identity.arch,
            buildId: identity.buildId)
        if let completeness = identified.completeness { recordCompleteness(completeness) }
        // Hook: checks on the dump's own log (before lookup) go here, beside the first findings.
        if identified.wroteKernelLog {
            hasKernelLog = true
            writeFindings()
        }

        let lookup = try await stage(.lookup) { try await stages.lookup(identity, directory.path) }
        report.debuginfo = lookup.debuginfo
        cacheLock = lookup.cacheLock

        let crash = try await stage(.crash) {
            try await stages.crash(
                .init(jobDirectory: directory.path, dump: dump, vmlinux: lookup.debuginfo.vmlinux ?? "",
                      identity: identity, match: lookup.match))
        }
        recordCrash(crash)
        report.outputs = Dictionary(
            CrashOutputs.list(directory: directory.path).map { ($0.name, $0.size) }, uniquingKeysWith: { a, _ in a })
        save()
        writeFindings()
    }

    /// Enters `state` (recorded in the table and `job.json`, named in the log), runs the stage, times it,
    /// and records a failure against it.
    private func stage<T>(_ state: JobRecord.State, _ body: () async throws -> T) async throws(JobError) -> T {
        report.state = state
        logger.info("stage \(state.rawValue)")
        save()
        FaultPoint.reach(state.rawValue)
        let clock = ContinuousClock()
        let start = clock.now
        let result: T
        do { result = try await body() } catch { throw .wrap(state.rawValue, error) }
        let elapsed = clock.now - start
        report.timings[state.rawValue] =
            Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return result
    }
}

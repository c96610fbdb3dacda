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

/// One analysis job: the stages in order (intake → identify → locate → extract → analyse), each recorded
/// in the jobs table, the process log and `job.json`. `Job/` only sequences; every stage does its own work.
public final class AnalysisJob: @unchecked Sendable {
    public let request: JobRequest
    public let settings: Settings
    public let store: Store
    public let directory: JobDirectory
    public internal(set) var report: JobReport
    var record: JobRecord
    let logger = Logger.cas("cas")
    private let lock: DirectoryLock?
    private let logToken: LogFileToken?
    var cacheLock: DirectoryLock?
    let mailer: Mailer?
    /// Set once `dmesg` (the dump's own kernel log) is written: a later failure to locate the debuginfo, to
    /// find a server or to run crash then ends the job `.partial` rather than `.failed`.
    var hasKernelLog = false
    /// The text of `findings.txt`, for the mail.
    public internal(set) var findingsSummary: String?

    /// Checks the input, then creates the job directory (locked for the job's life), its log and its row.
    /// Nothing is written when the ID or the file is unusable.
    /// `mailer` (from ``MailDelivery/prepare(settings:recipients:)``) sends the result to `request.emails`.
    public static func start(_ request: JobRequest, settings: Settings, store: Store, mailer: Mailer? = nil)
        throws(JobError) -> AnalysisJob
    {
        if let problem = CaseID.problem(request.caseId) { throw .badID(problem) }
        try checkReadable(request.file)
        let directory = try JobDirectory.create(
            workDirectory: settings.workDirectory, caseId: request.caseId, group: settings.analysts)
        return try AnalysisJob(request: request, settings: settings, store: store, directory: directory, mailer: mailer)
    }

    private init(request: JobRequest, settings: Settings, store: Store, directory: JobDirectory, mailer: Mailer?)
        throws(JobError)
    {
        self.mailer = mailer
        self.request = request
        self.settings = settings
        self.store = store
        self.directory = directory
        lock = try? DirectoryLock(path: directory.path, exclusive: true, wait: false)
        logToken = try? LogSink.shared.attach(
            file: directory.logPath, level: settings.debugLevel == .debug ? .debug : .info)
        let now = Date()
        report = JobReport(id: request.caseId, directory: directory.path, file: request.file, startedAt: now)
        do {
            record = try store.insertJob(
                JobRecord(caseId: request.caseId, directory: directory.path, pid: getpid(), startedAt: now))
            // Recorded at the start, so that `cas-admin mail ID` can resend to them whatever happens later.
            if !request.emails.isEmpty, let id = record.id { try store.setRecipients(request.emails, jobId: id) }
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
            report.state = JobRecord.State.done.rawValue
            record.state = .done
            logger.info("done: \(directory.path)")
        } catch {
            fail(error)
        }
        finish()
        sendMail()
        return report
    }

    /// Mails the outcome; an undeliverable mail never undoes the job, it only changes the exit status.
    private func sendMail() {
        guard let mailer, !request.emails.isEmpty else { return }
        let failure = MailDelivery.deliver(record, findings: findingsSummary, to: request.emails, mailer: mailer, store: store)
        record.mailState = Mailer.state(after: failure)
        report.mail = record.mailState
        if let failure {
            let to = request.emails.joined(separator: ", ")
            let resend = "cas-admin mail \(request.caseId)"
            logger.error("mail to \(to) failed: \(failure.reasonWithRelay); resend with: \(resend)")
            if report.exitStatus == ExitStatus.ok.rawValue { report.exitStatus = failure.exitStatus.rawValue }
        } else {
            logger.info("mailed the results to \(request.emails.joined(separator: ", "))")
        }
        save()
    }

    /// Records the failing step and error.
    func fail(_ error: JobError) {
        let step = record.state.rawValue
        let message: String
        let status: ExitStatus
        if case .stage(_, let inner) = error {
            message = inner.description
            status = inner.exitStatus
        } else {
            message = error.description
            status = error.exitStatus
        }
        logger.error("\(step) failed: \(message)")
        // The exit status stays the specific one; the state says the job still has the log and findings.
        let partial = hasKernelLog && [.noDebuginfo, .noServer, .crashFailed].contains(status)
        if partial { logger.info("partial: the dump's own kernel log is in \(JobLayout.dmesg), findings in \(JobLayout.findings)") }
        let state: JobRecord.State = partial ? .partial : .failed
        report.state = state.rawValue
        report.step = step
        report.error = message
        report.exitStatus = status.rawValue
        record.state = state
        record.step = step
        record.error = message
    }

    /// Moves to `state`, recording it in the table and `job.json`.
    func enter(_ state: JobRecord.State) {
        record.state = state
        report.state = state.rawValue
        save()
        FaultPoint.reach(state.rawValue)
    }

    func save() {
        do {
            try store.updateJob(record)
        } catch {
            logger.warning("cannot record the job's state: \(error.description)")
        }
        if report.dump != nil {
            do { try JobJSON.write(report, to: directory.path) } catch {
                logger.warning("cannot write job.json: \(error)")
            }
        }
    }

    private func finish() {
        report.finishedAt = Date()
        record.finishedAt = report.finishedAt
        if report.exitStatus == nil { report.exitStatus = ExitStatus.ok.rawValue }
        save()
    }

    /// Times one stage into the report.
    func timed<T>(_ name: String, _ body: () async throws(JobError) -> T) async throws(JobError) -> T {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await body()
        let elapsed = clock.now - start
        report.timings[name] = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return result
    }
}

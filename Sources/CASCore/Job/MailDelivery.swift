import Foundation
import Logging

/// Wires the result mail to the rest of CAS: settings to ``Mailer``, job records to ``MailContent``,
/// and the job's `mailState` and recipients in the database.
public enum MailDelivery {
    /// The mailer for a job mailing `recipients`, or nil when there are none.
    ///
    /// Call it when the job starts: every address and the relay settings are checked here, so that a
    /// bad `-e`, a missing `smtphost` or an unreadable password file stop the job before any work.
    public static func prepare(settings: Settings, recipients: [String]) throws(MailError) -> Mailer? {
        guard !recipients.isEmpty else { return nil }
        for address in recipients {
            if let why = MailAddress.problem(address) { throw .badAddress(address, why: why) }
        }
        return try mailer(settings: settings)
    }

    /// The mailer the settings describe; ``MailError/noRelay`` when `smtphost` is not set.
    public static func mailer(settings: Settings) throws(MailError) -> Mailer {
        guard let relay = settings.smtpHost else { throw .noRelay(configFile: settings.source) }
        let smtp = try SMTPSettings(
            relay: relay, tls: settings.smtpTLS, user: settings.smtpUser, passwordFile: settings.smtpPasswordFile,
            from: settings.mailFrom)
        return Mailer(smtp: smtp, attachLimit: settings.mailAttachLimit)
    }

    /// The mail content for `job`; the findings are read from `findings.txt` when not given.
    public static func report(for job: JobRecord, findings: String? = nil) -> MailContent {
        let outcome: MailContent.Outcome
        switch job.state {
        case .done:
            let text = findings ?? (try? String(contentsOfFile: JobLayout.path(JobLayout.findings, in: job.directory), encoding: .utf8)) ?? ""
            outcome = .done(findings: text)
        default:
            outcome = .failed(step: job.step ?? job.state.rawValue, error: job.error ?? "the job did not finish")
        }
        var identity: String?
        if let release = job.release {
            identity =
                "Linux \(release)" + (job.arch.map { " \($0)" } ?? "") + (job.buildId.map { ", build ID \($0)" } ?? "")
        }
        return MailContent(
            caseId: job.caseId, directory: job.directory, outcome: outcome, server: job.server, release: job.release,
            arch: job.arch, identity: identity, dump: job.dump, debuginfo: debuginfoLine(directory: job.directory),
            moduleDebuginfo: moduleDebuginfoLine(directory: job.directory))
    }

    /// The module debug files `-m` fetched from debuginfod, as `job.json` records them (`moduleDebuginfo`):
    /// "NAME from URL" for the first ten, then how many more; nil when none was fetched.
    static func moduleDebuginfoLine(directory: String) -> String? {
        guard let entries = jobJSON(directory)?["moduleDebuginfo"] as? [[String: Any]] else { return nil }
        let fetched = entries.compactMap { entry -> String? in
            guard let name = entry["module"] as? String, entry["buildId"] != nil, entry["problem"] == nil,
                let source = entry["source"] as? String
            else { return nil }
            return "\(name) from \(source)"
        }
        guard !fetched.isEmpty else { return nil }
        let more = fetched.count > 10 ? " and \(fetched.count - 10) more (job.json moduleDebuginfo)" : ""
        return oneLine(fetched.prefix(10).joined(separator: ", ") + more)
    }

    /// How the job found its debug kernel, as `job.json` records it (`debuginfo.match`), nil when it did not.
    static func debuginfoLine(directory: String) -> String? {
        guard let debuginfo = jobJSON(directory)?["debuginfo"] as? [String: Any],
            let match = debuginfo["match"] as? String, !match.isEmpty
        else { return nil }
        return oneLine(match)
    }

    /// The job's `job.json` as an object, nil when it is missing or not one.
    private static func jobJSON(_ directory: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: JobLayout.path(JobLayout.jobJSON, in: directory)) else {
            return nil
        }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// `text` for a header-like body line: control characters (from packages, dumps, URLs) become `?`.
    private static func oneLine(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? "?" : Character($0) })
    }

    /// Sends `job`'s mail to `recipients` and records the outcome in its `mailState`.
    ///
    /// A delivery failure is logged, recorded and returned, never thrown: the job stays as it is and
    /// the caller exits with ``ExitStatus/mailFailed``.
    public static func deliver(
        _ job: JobRecord, findings: String? = nil, to recipients: [String], mailer: Mailer, store: Store
    ) -> MailError? {
        var failure: MailError?
        do {
            try mailer.send(report(for: job, findings: findings), to: recipients)
        } catch {
            failure = error
        }
        if let id = job.id {
            do {
                try store.setMailState(Mailer.state(after: failure), jobId: id)
            } catch {
                Logger.cas("mail").warning("cannot record the mail state of job \(id): \(error.description)")
            }
        }
        return failure
    }

    /// Sends again the mail of the latest job of `caseId` (`cas-admin mail ID`), to `recipients` or,
    /// when empty, to those recorded for the job. Returns the job and the addresses mailed.
    public static func resend(caseId: String, to recipients: [String], settings: Settings, store: Store) throws
        -> (job: JobRecord, recipients: [String])
    {
        guard let job = try store.jobs(caseId: caseId).first, let id = job.id else { throw ResendError.noJob(caseId) }
        if job.state.isActive { throw ResendError.stillRunning(caseId, job.state.rawValue, job.directory) }
        let addresses = recipients.isEmpty ? try store.recipients(jobId: id) : recipients
        guard !addresses.isEmpty else { throw ResendError.noRecipients(caseId, job.directory) }
        guard let mailer = try prepare(settings: settings, recipients: addresses) else {
            throw ResendError.noRecipients(caseId, job.directory)
        }
        if let failure = deliver(job, to: addresses, mailer: mailer, store: store) { throw failure }
        return (job, addresses)
    }
}

/// Why `cas-admin mail ID` cannot resend a job's mail.
public enum ResendError: CASError {
    case noJob(String)
    case stillRunning(String, String, String)
    case noRecipients(String, String)

    public var description: String {
        switch self {
        case .noJob(let id): "no job recorded for '\(id)' (see 'cas-admin list jobs')"
        case .stillRunning(let id, let state, let dir):
            "the latest job of '\(id)' is still \(state) (\(dir)); its mail goes when it ends"
        case .noRecipients(let id, let dir):
            "no recipients recorded for the latest job of '\(id)' (\(dir)); give them with --to ADDR"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .noJob: .noInput
        case .stillRunning, .noRecipients: .usage
        }
    }
}

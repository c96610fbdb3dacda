import Foundation

extension AnalysisJob {
    /// Records the failing stage and error: `partial` when the dump's own log and findings are there and what
    /// was missing is the debuginfo, a server or crash, else `failed`; the exit status stays the specific one.
    func fail(_ error: JobError) {
        let step = report.state
        let message: String
        let status: ExitStatus
        if case .stage(_, let inner) = error {
            message = inner.description
            status = inner.exitStatus
        } else {
            message = error.description
            status = error.exitStatus
        }
        logger.error("\(step.rawValue) failed: \(message)")
        let partial = hasKernelLog && [.noDebuginfo, .noServer, .crashFailed].contains(status)
        if partial { logger.info("partial: the dump's own kernel log is in \(JobLayout.dmesg), findings in \(JobLayout.findings)") }
        report.state = partial ? .partial : .failed
        report.step = step
        report.error = message
        report.exitStatus = status.rawValue
    }

    /// Saves the record: the jobs table's row and, once intake has named the dump, `job.json`.
    func save() {
        do {
            try store.updateJob(JobRecord(report, id: rowId, pid: getpid()))
        } catch {
            logger.warning("cannot record the job's state: \(error.description)")
        }
        guard report.dump != nil else { return }
        do throws(JobJSON.Failure) { try report.write() } catch {
            logger.warning("cannot write job.json: \(error)")
        }
    }

    /// Says how much of the dump is missing (`dumpCompleteness`); such a job ends done with warnings.
    func recordCompleteness(_ completeness: DumpCompleteness) {
        guard let problem = completeness.problem else { return }
        report.exitStatus = ExitStatus.doneWithWarnings.rawValue
        report.dumpCompleteness = .init(
            actualBytes: completeness.actualBytes, expectedBytes: completeness.expectedBytes,
            missingBytes: completeness.missingBytes, incompleteFlag: completeness.incompleteFlag, problem: problem)
    }

    /// Records where crash ran and what it said went wrong: each command that did not complete
    /// (`crashFailures`, the job ends done with warnings), the errors it printed and went on after
    /// (`crashErrors`: partial outputs), and its `WARNING:` lines.
    func recordCrash(_ crash: CrashStage.Output) {
        report.server = crash.server
        let outcome = crash.report.outcome
        for failure in outcome.failures {
            logger.warning("crash command failed, its output is missing: \(failure.summary)")
        }
        if outcome.attempts > 1, !outcome.failures.isEmpty {
            logger.warning("crash was started \(outcome.attempts) times to run the remaining commands (see \(JobLayout.crashOutput))")
        }
        if !outcome.failures.isEmpty {
            report.exitStatus = ExitStatus.doneWithWarnings.rawValue
            report.crashFailures = outcome.failures
        }
        let errors = crash.report.commandErrors
        for error in errors { logger.info("crash command error (its output is partial): \(error.summary)") }
        if !errors.isEmpty { report.crashErrors = errors.map { .init(command: $0.command, message: $0.reason) } }
        for warning in crash.report.warnings { logger.warning("crash: \(warning)") }
        recordCrashWarnings(kernelRelease: report.kernel?.release)
    }

    /// First-pass findings; a broken site rule file is logged, it does not undo a finished analysis.
    func writeFindings() {
        do {
            let findings = try stages.findings(directory.path)
            findingsSummary = findings.summary
            logger.info("findings: \(findings.headline)")
        } catch {
            logger.warning("findings not written: \((error as? any CASError)?.description ?? "\(error)")")
        }
    }

    /// Mails the outcome; an undeliverable mail never undoes the job, it only changes the exit status.
    func sendMail() {
        guard let mailer, !request.emails.isEmpty else { return }
        let failure = MailDelivery.deliver(
            JobRecord(report, id: rowId, pid: getpid()), findings: findingsSummary, to: request.emails, mailer: mailer,
            store: store)
        report.mail = Mailer.state(after: failure)
        if let failure {
            let to = request.emails.joined(separator: ", ")
            let resend = "cas-admin mail \(request.caseId)"
            logger.error("mail to \(to) failed: \(failure.reasonWithRelay); resend with: \(resend)")
            if report.exitStatus == ExitStatus.ok.rawValue { report.exitStatus = failure.exitStatus.rawValue }
        }
        // A delivery is logged once, by the mailer ("mail '…' sent via RELAY to …").
        save()
    }
}

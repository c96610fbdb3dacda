import Foundation

extension MailContent {
    /// The subject: `CAS results for <ID>` or `CAS failed for <ID>: <step>`.
    public var subject: String {
        switch outcome {
        case .done: "CAS results for \(caseId)"
        case .failed(let step, _): "CAS failed for \(caseId): \(step)"
        }
    }

    /// The mail for this job: the body text, and `crash.out` attached when `outputs` carries its bytes.
    public func message(outputs: Outputs, from: String, to: [String], attachLimit: Int64, date: Date = Date())
        -> MailMessage
    {
        var attachments: [MailMessage.Attachment] = []
        var crashOutLine: String?
        if let crashOut = outputs.crashOut {
            if let data = crashOut.data {
                attachments.append(.init(filename: JobLayout.crashOutput, data: data))
                crashOutLine = "crash.out is attached (\(ByteCount.format(crashOut.size)))."
            } else {
                crashOutLine =
                    "crash.out (\(ByteCount.format(crashOut.size))) is over mailAttachLimit "
                    + "(\(ByteCount.format(attachLimit))); it is at \(crashOut.path)"
            }
        }
        return MailMessage(
            from: from, to: to, subject: subject, body: body(outputs: outputs, crashOutLine: crashOutLine),
            attachments: attachments, date: date)
    }

    /// The body text (LF line ends; the message encodes them as CRLF).
    func body(outputs: Outputs, crashOutLine: String?) -> String {
        var lines: [String] = []
        switch outcome {
        case .done(let findings):
            lines += [
                "Location: \(directory)",
                "Server: \(server ?? "unknown")",
                "Kernel: \(release ?? "unknown") (\(arch ?? "unknown"))",
            ]
            if let debuginfo { lines.append("Debuginfo: \(debuginfo)") }
            if let moduleDebuginfo { lines.append("Module debuginfo: \(moduleDebuginfo)") }
            lines += [
                "",
                "Findings:",
                findings.isEmpty ? "(none)" : findings.trimmingCharacters(in: .newlines),
                "",
            ]
            if let crashOutLine { lines += [crashOutLine, ""] }
            lines.append("Output data:")
            lines += section("Backtrace of the crashing task (traceback)", outputs.traceback)
            lines += section("System (sys)", outputs.sys)
            lines += section("Kernel log, last 100 lines (log)", outputs.logTail)
        case .failed(let step, let error):
            lines += [
                "The analysis of \(caseId) stopped at the step '\(step)'.",
                "",
                "Error: \(error)",
                "Location: \(directory)",
                "Dump: \(identity ?? "not identified")",
            ]
            if let server { lines.append("Server: \(server)") }
            lines += ["", "What to do next:"] + advice(step: step)
            if let crashOutLine { lines += ["", crashOutLine] }
            // A job that stopped after reading the dump's own kernel log (dmesg) still has first findings.
            lines += section("Findings from the dump's own kernel log (findings.txt)", outputs.findings)
            lines += section("Kernel log, last 100 lines", outputs.logTail)
            lines += section("End of the job log (\(caseId).log)", outputs.processLogTail)
        }
        // Findings, outputs and errors carry text from the dump and the upload: no control character passes.
        return Escaped.lines(lines.joined(separator: "\n")) + "\n"
    }

    private func advice(step: String) -> [String] {
        let rerun = "cas -i \(caseId) -f \(dump ?? "<the dump or archive>")"
        var out: [String] = []
        switch step {
        case "lookup":
            out.append(
                "- Put the debuginfo package for \(release ?? "this kernel")\(arch.map { " (\($0))" } ?? "") "
                    + "under the kernels tree, then index it: cas-admin -b")
        case "crash":
            out.append("- Read \(JobLayout.crashOutput) and the job log in \(directory); './crash' there opens the dump by hand.")
        default:
            out.append("- Read the job log \(directory)/\(caseId).log for the cause.")
        }
        out.append("- Then run the job again: \(rerun)")
        return out
    }

    private func section(_ title: String, _ text: String?) -> [String] {
        guard let text, !text.isEmpty else { return [] }
        return ["", "--- \(title) ---", text.trimmingCharacters(in: .newlines)]
    }
}

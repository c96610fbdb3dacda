import Foundation
import Logging

/// Sends job result mails through the configured relay.
public struct Mailer: Sendable {
    public var smtp: SMTPSettings
    /// Largest `crash.out` attached (`mailAttachLimit`); larger ones are named, not attached.
    public var attachLimit: Int64

    public init(smtp: SMTPSettings, attachLimit: Int64 = 5 << 20) {
        self.smtp = smtp
        self.attachLimit = attachLimit
    }

    /// Composes the mail for `report` from the files in its job directory and sends it to `recipients`.
    ///
    /// Returns the message sent. Throws ``MailError`` (exit status ``ExitStatus/mailFailed``) when the
    /// relay cannot be reached or refuses the mail or some recipients; the job itself is not affected.
    @discardableResult
    public func send(_ report: MailContent, to recipients: [String], date: Date = Date()) throws(MailError) -> MailMessage
    {
        let outputs = MailContent.Outputs.read(
            directory: report.directory, caseId: report.caseId, attachLimit: attachLimit)
        let message = report.message(
            outputs: outputs, from: smtp.from, to: recipients, attachLimit: attachLimit, date: date)
        try send(message)
        return message
    }

    /// Sends `message` to every address of its `to`, each checked with ``MailAddress/problem(_:)`` first.
    public func send(_ message: MailMessage) throws(MailError) {
        let log = Logger.cas("mail")
        guard !message.to.isEmpty else { throw .badAddress("", why: "no recipients") }
        for address in message.to {
            if let why = MailAddress.problem(address) { throw .badAddress(address, why: why) }
        }
        let transfer = try SMTPTransfer(message: message.rendered())
        do {
            try transfer.send(smtp: smtp, recipients: message.to)
            log.info("mail '\(message.subject)' sent via \(smtp.relay) to \(message.to.joined(separator: ", "))")
        } catch {
            for line in transfer.dialogue { log.debug("smtp \(line)") }
            // The caller reports the failure (the job's log, cas-admin mail): here only for --verbose.
            log.debug("mail not delivered: \(error.description)")
            throw error
        }
    }

    /// The `mailState` to record after a delivery attempt: `sent <date>` or `failed: <reason>`.
    public static func state(after error: MailError?, at date: Date = Date()) -> String {
        guard let error else { return "sent " + ISO8601DateFormatter().string(from: date) }
        return "failed: " + error.shortReason
    }
}

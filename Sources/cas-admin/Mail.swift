import ArgumentParser
import CASCLI
import CASCore

extension CASAdmin {
    struct Mail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send again the result mail of the latest job of ID.",
            discussion: """
                Without --to, the mail goes to the addresses the job was started with (-e). \
                The outcome is recorded in the job's mail state ('sent <date>' or 'failed: <reason>'). \
                Exits 75 when the relay cannot be reached or refuses the mail.
                """)

        @Argument(help: "The job's ID (the case number given to cas -i).")
        var identifier: String

        @Option(name: .long, help: "Mail to this address instead of the job's recipients (repeatable).")
        var to: [String] = []

        @OptionGroup var global: GlobalOptions

        /// What `--json` prints.
        struct Sent: Encodable {
            var caseId: String
            var directory: String
            var recipients: [String]
        }

        func validate() throws {
            if let problem = CaseID.problem(identifier) { throw ValidationError("bad ID: \(problem)") }
            for address in to {
                if let why = MailAddress.problem(address) {
                    throw ValidationError("bad --to '\(MailAddress.printable(address))': \(why)")
                }
            }
        }

        func run() async throws {
            try await AdminSession.run(global, logLevel: .warning, autoPurge: false) { session in
                let sent = try MailDelivery.resend(
                    caseId: identifier, to: to, settings: session.settings, store: try session.store())
                if global.json {
                    try printJSON(Sent(caseId: identifier, directory: sent.job.directory, recipients: sent.recipients))
                } else {
                    print("mailed \(sent.job.directory) to \(sent.recipients.joined(separator: ", "))")
                }
            }
        }
    }
}

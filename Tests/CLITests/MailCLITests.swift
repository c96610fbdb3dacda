import CASCore
import CASTestSupport
import Foundation
import Testing

/// End to end: the built `cas` and `cas-admin` binaries, a temporary configuration and database,
/// and a real aiosmtpd on loopback.
struct MailCLITests {
    static func run(_ name: String, _ arguments: [String], home: URL) throws -> RunResult {
        try BuiltBinary.run(
            name, arguments,
            environment: BuiltBinary.inheritedEnvironment([
                "HOME": home.path, "XDG_DATA_HOME": home.appendingPathComponent("xdg").path,
                "CAS_CONFIG": home.appendingPathComponent("cas.conf").path,
            ]))
    }

    /// Writes `home/cas.conf` with everything under `home`, and `extra` lines in [settings].
    static func writeConfig(home: URL, extra: String = "") throws {
        let text = """
            [settings]
            kernels = \(home.path)/kernels
            debugs = \(home.path)/debugs
            workDirectory = \(home.path)/work
            database = \(home.path)/cas.db
            mailFrom = cas@example.org
            \(extra)
            """
        try text.write(to: home.appendingPathComponent("cas.conf"), atomically: true, encoding: .utf8)
    }

    @Test func aCRLFInAnAddressIsAUsageErrorBeforeAnythingIsWritten() throws {
        let home = try makeTemporaryDirectory("cas-mail-cli")
        try Self.writeConfig(home: home, extra: "smtphost = 127.0.0.1:25")
        let result = try Self.run("cas", ["-i", "1", "-f", "x", "-e", "a@b\r\nBcc: c@d"], home: home)
        #expect(result.status == 64)
        #expect(result.stderr.contains(#"bad -e 'a@b\r\nBcc: c@d'"#))
        let written = try FileManager.default.contentsOfDirectory(atPath: home.path)
        #expect(written == ["cas.conf"], "nothing but the configuration: \(written)")
    }

    @Test func anAddressWithoutARelayIsAConfigurationErrorAtStart() throws {
        let home = try makeTemporaryDirectory("cas-mail-cli")
        try Self.writeConfig(home: home)
        let result = try Self.run("cas", ["-i", "1", "-f", "x", "-e", "a@example.com"], home: home)
        #expect(result.status == 78)
        #expect(result.stderr.contains("set smtphost (host or host:port) in [settings] of \(home.path)/cas.conf"), "\(result.stderr)")
    }

    @Test(.enabled(if: SMTPSink.available, "needs /usr/bin/python3 with python3-aiosmtpd"))
    func aMailThatFailedIsSentLaterByCasAdminMail() throws {
        let home = try makeTemporaryDirectory("cas-mail-cli")
        let closedPort = try freeLoopbackPort()
        try Self.writeConfig(home: home, extra: "smtphost = 127.0.0.1:\(closedPort)")
        let settings = try Settings.load(.init(explicitPath: home.appendingPathComponent("cas.conf").path))
        let store = try Store(path: settings.database)
        let job = try makeFixtureJobDirectory()
        var record = JobRecord(caseId: "04242", directory: job.directory, state: .done, pid: nil)
        record.release = "6.1.192-tiny-pidfix"
        record.arch = "x86_64"
        record.server = "localhost"
        record = try store.insertJob(record)
        let id = try #require(record.id)
        let recipients = ["a@example.com", "b@example.com"]
        try store.setRecipients(recipients, jobId: id)

        // The relay is down at the end of the job: a mail failure, the job stays done.
        let mailer = try #require(try MailDelivery.prepare(settings: settings, recipients: recipients))
        let failure = try #require(MailDelivery.deliver(record, to: recipients, mailer: mailer, store: store))
        #expect(failure.exitStatus == .mailFailed)
        let failed = try #require(try store.jobs(caseId: "04242").first)
        #expect(failed.state == .done)
        #expect(failed.mailState?.hasPrefix("failed: ") == true)

        // Later, with the relay up, cas-admin mail sends it to the recorded recipients.
        let sink = try SMTPSink()
        try Self.writeConfig(home: home, extra: "smtphost = 127.0.0.1:\(sink.port)")
        let resend = try Self.run("cas-admin", ["mail", "04242"], home: home)
        #expect(resend.status == 0, "\(resend.stderr)")
        #expect(resend.stdout.contains("a@example.com, b@example.com"))
        let mail = try #require(try sink.messages().first)
        #expect(mail.rcptTos == recipients)
        #expect(mail.subject == "CAS results for 04242")
        #expect(mail.body.contains("write_sysrq_trigger"))
        #expect(mail.attachments.first?.bytes == job.crashOut)
        let state = try store.jobs(caseId: "04242").first?.mailState
        #expect(state?.hasPrefix("sent ") == true, "\(state ?? "nil") \(resend.stderr)")

        // --to overrides the recorded recipients.
        let other = try Self.run("cas-admin", ["mail", "04242", "--to", "c@example.com"], home: home)
        #expect(other.status == 0, "\(other.stderr)")
        #expect(try sink.messages().last?.rcptTos == ["c@example.com"])

        // Relay down again: cas-admin mail exits 75 and records the failure.
        sink.stop()
        let down = try Self.run("cas-admin", ["mail", "04242"], home: home)
        #expect(down.status == 75)
        #expect(down.stderr.contains("127.0.0.1:\(sink.port)"))
        #expect(try store.jobs(caseId: "04242").first?.mailState?.hasPrefix("failed: ") == true)
    }

    /// Through the real `cas -e`: the relay is down at the end of the job, the error says once how to resend,
    /// and `cas-admin mail ID` then sends to the addresses the job recorded.
    @Test(.enabled(if: SMTPSink.available, "needs /usr/bin/python3 with python3-aiosmtpd"))
    func aJobRecordsItsRecipientsForCasAdminMail() throws {
        let home = try makeTemporaryDirectory("cas-mail-job")
        defer { try? FileManager.default.removeItem(at: home) }
        try FileManager.default.createDirectory(at: home.appendingPathComponent("work"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: home.appendingPathComponent("kernels"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: home.appendingPathComponent("debugs"), withIntermediateDirectories: true)
        try Self.writeConfig(home: home, extra: "smtphost = 127.0.0.1:\(try freeLoopbackPort())")
        let upload = home.appendingPathComponent("notes.txt")
        try "not a dump\n".write(to: upload, atomically: true, encoding: .utf8)
        let job = try Self.run("cas", ["-i", "5150", "-f", upload.path, "-e", "a@example.com", "-e", "b@example.com"], home: home)
        #expect(job.status == ExitStatus.badInput.rawValue, "the job's own failure wins over the mail's: \(job.stderr)")
        let mailLines = job.stderr.split(separator: "\n").filter { $0.contains("mail to ") || $0.contains("delivered") }
        #expect(mailLines.count == 1, "\(job.stderr)")
        #expect(mailLines.first?.hasSuffix("resend with: cas-admin mail 5150") == true, "\(job.stderr)")

        let sink = try SMTPSink()
        try Self.writeConfig(home: home, extra: "smtphost = 127.0.0.1:\(sink.port)")
        let resend = try Self.run("cas-admin", ["mail", "5150"], home: home)
        #expect(resend.status == 0, "\(resend.stderr)")
        let mail = try #require(try sink.messages().first)
        #expect(mail.rcptTos == ["a@example.com", "b@example.com"])
        #expect(mail.subject.hasPrefix("CAS failed for 5150"))
    }

    @Test func casAdminMailForAnUnknownIDSaysSo() throws {
        let home = try makeTemporaryDirectory("cas-mail-cli")
        try Self.writeConfig(home: home, extra: "smtphost = 127.0.0.1:25")
        let result = try Self.run("cas-admin", ["mail", "nosuchcase"], home: home)
        #expect(result.status == 66)
        #expect(result.stderr.contains("no job recorded for 'nosuchcase'"))
    }
}

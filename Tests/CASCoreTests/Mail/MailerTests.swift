import CASTestSupport
import Foundation
import Testing

@testable import CASCore

/// Delivery through libcurl to a real aiosmtpd on loopback; assertions on what the server received.
@Suite(.enabled(if: SMTPSink.available, "needs /usr/bin/python3 with python3-aiosmtpd"))
struct MailerTests {
    func mailer(_ port: Int, tls: String = "never", attachLimit: Int64 = 5 << 20) throws -> Mailer {
        Mailer(
            smtp: try SMTPSettings(relay: "127.0.0.1:\(port)", tls: tls, from: "cas@example.org"),
            attachLimit: attachLimit)
    }

    func doneReport(_ directory: String) -> MailContent {
        MailContent(
            caseId: "12345678", directory: directory,
            outcome: .done(findings: "Panic: sysrq triggered crash (init, PID 1)"),
            server: "analysis1.example.org", release: "6.1.192-tiny-pidfix", arch: "x86_64")
    }

    @Test func successMailReachesBothRecipientsWithOutputsAndAttachment() throws {
        let sink = try SMTPSink()
        let job = try makeFixtureJobDirectory()
        try mailer(sink.port).send(doneReport(job.directory), to: ["a@example.com", "b@example.com"])

        let received = try sink.messages()
        try #require(received.count == 1)
        let mail = received[0]
        #expect(mail.mailFrom == "cas@example.org")
        #expect(mail.rcptTos == ["a@example.com", "b@example.com"])
        #expect(mail.to == ["a@example.com", "b@example.com"])
        #expect(mail.subject == "CAS results for 12345678")
        let body = mail.body.split(separator: "\n").map(String.init)
        #expect(body.contains("Location: \(job.directory)"))
        #expect(body.contains("Server: analysis1.example.org"))
        #expect(body.contains("Kernel: 6.1.192-tiny-pidfix (x86_64)"))
        #expect(body.contains("Output data:"))
        #expect(mail.body.contains("Panic: sysrq triggered crash"))
        #expect(mail.body.contains("write_sysrq_trigger at ffffffff8111417f"))
        #expect(mail.body.contains(#"PANIC: "Kernel panic - not syncing: sysrq triggered crash""#))
        #expect(mail.body.contains("end Kernel panic - not syncing"))
        #expect(!mail.body.contains("Command line: console=ttyS0"), "only the last 100 lines of the log")
        try #require(mail.attachments.count == 1)
        #expect(mail.attachments[0].filename == "crash.out")
        #expect(mail.attachments[0].bytes == job.crashOut)
        let long = mail.raw.components(separatedBy: "\r\n").filter { $0.utf8.count > 78 }
        #expect(long.isEmpty, "lines over 78 characters: \(long)")
        #expect(mail.raw.contains("Message-ID: <") && mail.raw.contains("MIME-Version: 1.0"))
    }

    @Test func failureMailForADumpWithoutDebuginfo() throws {
        let sink = try SMTPSink()
        let job = try makeFixtureJobDirectory()
        try FileManager.default.removeItem(atPath: job.directory + "/crash.out")
        let report = MailContent(
            caseId: "777", directory: job.directory,
            outcome: .failed(step: "lookup", error: "no debuginfo matches 6.1.192-tiny-pidfix x86_64"),
            release: "6.1.192-tiny-pidfix", arch: "x86_64",
            identity: "Linux 6.1.192-tiny-pidfix x86_64, build ID 08874375e749a8381d73fd31b60f5b1eeae9ac3b",
            dump: "/srv/dumps/vmcore.flat")
        try mailer(sink.port).send(report, to: ["a@example.com"])
        let mail = try #require(try sink.messages().first)
        #expect(mail.subject == "CAS failed for 777: lookup")
        #expect(mail.body.contains("Error: no debuginfo matches 6.1.192-tiny-pidfix x86_64"))
        #expect(mail.body.contains("build ID 08874375e749a8381d73fd31b60f5b1eeae9ac3b"))
        #expect(mail.body.contains("cas-admin -b"))
        #expect(mail.body.contains("cas -i 777 -f /srv/dumps/vmcore.flat"))
        #expect(mail.attachments.isEmpty)
    }

    @Test func largeCrashOutIsNamedNotAttached() throws {
        let sink = try SMTPSink()
        let job = try makeFixtureJobDirectory()
        try mailer(sink.port, attachLimit: 1024).send(doneReport(job.directory), to: ["a@example.com"])
        let mail = try #require(try sink.messages().first)
        #expect(mail.attachments.isEmpty)
        #expect(mail.body.contains("over mailAttachLimit"))
        #expect(mail.body.contains(job.directory + "/crash.out"))
    }

    @Test func serverDownIsAMailFailure() throws {
        let port = try freeLoopbackPort()
        let job = try makeFixtureJobDirectory()
        #expect {
            try mailer(port).send(doneReport(job.directory), to: ["a@example.com"])
        } throws: { error in
            guard let error = error as? MailError, case .delivery(let relay, _, let message) = error else {
                return false
            }
            return error.exitStatus == .mailFailed && relay == "127.0.0.1:\(port)" && message.contains("onnect")
        }
    }

    @Test func aRefusedRecipientIsNamedAndTheOthersStillGetTheMail() throws {
        let sink = try SMTPSink(reject: ["nobody@example.com"])
        let job = try makeFixtureJobDirectory()
        var thrown: MailError?
        do {
            try mailer(sink.port).send(doneReport(job.directory), to: ["a@example.com", "nobody@example.com"])
        } catch {
            thrown = error as? MailError
        }
        let error = try #require(thrown)
        #expect(error.exitStatus == .mailFailed)
        guard case .recipientsRefused(_, let refused, let delivered) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(refused.keys.sorted() == ["nobody@example.com"])
        #expect(refused["nobody@example.com"]?.hasPrefix("550") == true)
        #expect(delivered == ["a@example.com"])
        #expect(error.description.contains("nobody@example.com"))
        #expect(try sink.messages().map(\.rcptTos) == [["a@example.com"]])
    }

    @Test func allRecipientsRefusedDeliversNothing() throws {
        let sink = try SMTPSink(reject: ["nobody@example.com"])
        let job = try makeFixtureJobDirectory()
        #expect(throws: MailError.self) {
            try mailer(sink.port).send(doneReport(job.directory), to: ["nobody@example.com"])
        }
        #expect(try sink.messages().isEmpty)
    }

    @Test func tlsAlwaysRefusesARelayWithoutStartTLS() throws {
        let sink = try SMTPSink()
        let job = try makeFixtureJobDirectory()
        #expect {
            try mailer(sink.port, tls: "always").send(doneReport(job.directory), to: ["a@example.com"])
        } throws: { error in
            (error as? MailError)?.exitStatus == .mailFailed && "\(error)".contains("STARTTLS")
        }
        #expect(try sink.messages().isEmpty)
    }

    @Test func tlsAutoProceedsInClearWhenStartTLSIsNotOffered() throws {
        let sink = try SMTPSink()
        let job = try makeFixtureJobDirectory()
        try mailer(sink.port, tls: "auto").send(doneReport(job.directory), to: ["a@example.com"])
        #expect(try sink.messages().count == 1)
    }

    @Test func authUsesThePasswordFile() throws {
        let sink = try SMTPSink(auth: "casbot:s3cret")
        let job = try makeFixtureJobDirectory()
        let secret = job.directory + "/password"
        try "s3cret\n".write(toFile: secret, atomically: true, encoding: .utf8)
        chmod(secret, 0o600)
        let smtp = try SMTPSettings(
            relay: "127.0.0.1:\(sink.port)", tls: "auto", user: "casbot", passwordFile: secret, from: "cas@example.org")
        try Mailer(smtp: smtp).send(doneReport(job.directory), to: ["a@example.com"])
        #expect(try sink.messages().map(\.auth) == ["casbot"])

        try "wrong\n".write(toFile: secret, atomically: true, encoding: .utf8)
        chmod(secret, 0o600)
        let wrong = try SMTPSettings(
            relay: "127.0.0.1:\(sink.port)", user: "casbot", passwordFile: secret, from: "cas@example.org")
        #expect(throws: MailError.self) {
            try Mailer(smtp: wrong).send(doneReport(job.directory), to: ["a@example.com"])
        }
        #expect(try sink.messages().count == 1)
    }

    /// The mail quotes `sys`'s summary, not the system call table `sys -c` appends to the file.
    @Test func theMailQuotesSysWithoutTheSyscallTable() {
        let sys = """
                  RELEASE: 6.1.192-tiny-pidfix
                    PANIC: "Kernel panic - not syncing: sysrq triggered crash"
            NUM  SYSTEM CALL                FILE AND LINE NUMBER
              0  __x64_sys_read
              1  __x64_sys_write

            """
        let summary = MailContent.Outputs.systemSummary(sys)
        #expect(summary.contains("PANIC: \"Kernel panic") && !summary.contains("__x64_sys_read"))
        #expect(MailContent.Outputs.systemSummary("RELEASE: x\n") == "RELEASE: x\n")
    }
}

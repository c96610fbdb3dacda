import CASTestSupport
import Foundation
import Testing

@testable import CASCore

struct SMTPSettingsTests {
    @Test(arguments: [
        ("mail.example.com", "mail.example.com", 25), ("mail.example.com:2525", "mail.example.com", 2525),
        ("[::1]:2525", "::1", 2525), ("[::1]", "::1", 25), ("192.0.2.1:587", "192.0.2.1", 587), ("::1", "::1", 25),
    ])
    func relayForms(_ text: String, _ host: String, _ port: Int) throws {
        let parsed = try SMTPSettings.parseRelay(text)
        #expect(parsed.host == host && parsed.port == port)
    }

    @Test(arguments: ["", "host:0", "host:70000", "host:x", "[::1", "[::1]x", "ho st", "a/b:25"])
    func badRelays(_ text: String) {
        #expect(throws: MailError.self) { try SMTPSettings.parseRelay(text) }
    }

    @Test func ipv6RelayURLAndRelayName() throws {
        let smtp = try SMTPSettings(relay: "[::1]:2525", from: "cas@example.org")
        #expect(smtp.relay == "[::1]:2525")
        #expect(smtp.url.hasPrefix("smtp://[::1]:2525/"))
    }

    @Test func defaultSenderIsCasAtThisHost() throws {
        let smtp = try SMTPSettings(relay: "localhost")
        #expect(smtp.from == "cas@\(SMTPSettings.localHostName())")
    }

    @Test func badTLSAndSenderAreConfigurationErrors() {
        #expect(throws: MailError.badSetting(key: "smtpTLS", value: "sometimes", why: "expected auto, always or never"))
        {
            try SMTPSettings(relay: "localhost", tls: "sometimes", from: "cas@example.org")
        }
        #expect { try SMTPSettings(relay: "localhost", from: "cas@ex ample.org") } throws: {
            ($0 as? MailError)?.exitStatus == .configuration && "\($0)".contains("mailFrom")
        }
    }

    @Test func passwordFileMustNotBeWorldReadable() throws {
        let dir = try makeTemporaryDirectory("smtp-settings")
        let path = dir.appendingPathComponent("password").path
        try "hunter2\nignored\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o644)
        #expect {
            try SMTPSettings(relay: "localhost", user: "u", passwordFile: path, from: "cas@example.org")
        } throws: {
            "\($0)".contains("readable by everyone") && ($0 as? MailError)?.exitStatus == .configuration
        }
        chmod(path, 0o600)
        let smtp = try SMTPSettings(relay: "localhost", user: "u", passwordFile: path, from: "cas@example.org")
        #expect(smtp.password == "hunter2")
        #expect(throws: MailError.self) {
            try SMTPSettings(relay: "localhost", passwordFile: path, from: "cas@example.org")
        }
    }
}

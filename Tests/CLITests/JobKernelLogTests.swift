import CASCore
import CASTestSupport
import Foundation
import Testing

/// The job reads the kernel log from the dump right after identifying it: with an empty index it still
/// ends (partial, exit 69) with `dmesg`, the findings from it, and a mail saying what is missing and what
/// the log shows.
@Suite struct JobKernelLogTests {
    @Test(.enabled(if: SMTPSink.available, "needs /usr/bin/python3 with python3-aiosmtpd"))
    func anEmptyIndexStillGivesTheLogAndFindings() throws {
        let fixtures = try JobWorld.fixtures()
        let sink = try SMTPSink()
        let base = try JobWorld.tree(indexed: false, extra: "smtphost = 127.0.0.1:\(sink.port)")
        defer { try? FileManager.default.removeItem(atPath: base) }
        let result = try JobWorld.run(
            "cas", ["-i", "2121", "-f", fixtures + "/vmcore.kdump-d31", "-e", "a@example.com"], base: base)
        #expect(result.status == ExitStatus.noDebuginfo.rawValue, "\(result.stderr)")
        let job = base + "/work/2121/latest"
        let dmesg = try String(contentsOfFile: job + "/dmesg", encoding: .utf8)
        #expect(dmesg.hasPrefix("[    0.000000] Linux version 6.1.192-tiny-pidfix"))
        #expect(dmesg.contains("] Kernel panic - not syncing: sysrq triggered crash\n"))
        let findings = try String(contentsOfFile: job + "/findings.txt", encoding: .utf8)
        #expect(findings.contains("sysrq"), "the sysrq rule matched the dump's own log: \(findings)")
        let rows = try JSONSerialization.jsonObject(
            with: Data(try JobWorld.run("cas-admin", ["list", "jobs", "--json"], base: base).stdout.utf8))
            as? [[String: Any]]
        #expect(rows?.first?["state"] as? String == "partial")
        let mail = try #require(try sink.messages().first)
        #expect(mail.body.contains("no debuginfo"))
        #expect(mail.body.contains("Findings from the dump's own kernel log"))
        #expect(mail.body.contains("Kernel panic - not syncing: sysrq triggered crash"))
        // One log line per delivery (issue 25).
        let log = JobWorld.read(job + "/2121.log").split(separator: "\n")
        #expect(log.filter { $0.contains("a@example.com") }.count == 1, "\(log.filter { $0.contains("mail") })")
        #expect(log.contains { $0.contains("sent via 127.0.0.1:\(sink.port) to a@example.com") })
    }
}

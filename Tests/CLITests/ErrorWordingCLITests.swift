import CASCore
import CASTestSupport
import Foundation
import Testing

/// Errors through the real binaries, run by a user who is neither root nor the casuser (issue 25, item 9):
/// each names that user, the path once, the cause and the fix.
@Suite(.serialized, .enabled(if: findExecutable("crash") != nil && findExecutable("rpmbuild") != nil, "needs crash and rpm"))
struct ErrorWordingCLITests {
    /// Runs a built binary as `user` (no supplementary groups), with the tree's configuration.
    static func runAs(_ user: String, _ tool: String, _ arguments: [String], base: String) throws -> (status: Int32, stderr: String) {
        let binary = BuiltBinary.directory + "/" + tool
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        let gid = try TestTools.sh("id -g \"$0\"", user).trimmingCharacters(in: .whitespacesAndNewlines)
        process.arguments = ["--reuid=" + user, "--regid=" + gid, "--clear-groups", binary] + arguments + ["--config", base + "/cas.conf"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExitReliably()
        return (process.reliableTerminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func anotherUserIsToldWhoTheyAreAndWhatToAskFor() throws {
        guard let user = AttackWorld.dedicatedUser, findExecutable("setpriv") != nil else {
            print("needs root, useradd and setpriv for a second user: skipped")
            return
        }
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree(indexed: false)
        defer { try? FileManager.default.removeItem(atPath: base) }
        try TestTools.sh("chmod 0755 \"$0\" && chmod 0644 \"$0/cas.conf\"", base)
        let failed = try JobWorld.run("cas", ["-i", "words-1", "-f", fixtures + "/vmcore.kdump-d31"], base: base)
        #expect(failed.status == ExitStatus.noDebuginfo.rawValue, "\(failed.stderr)")
        try TestTools.sh("chmod 0750 \"$0/work/words-1\"", base)

        let findings = try Self.runAs(user, "cas", ["findings", base + "/work/words-1/latest"], base: base)
        #expect(findings.status == ExitStatus.noInput.rawValue, "\(findings.stderr)")
        #expect(
            findings.stderr.contains(
                "cannot read job directory \(base)/work/words-1/latest as \(user): Permission denied (\(base)/work/words-1 is owned by root:root, mode 0750); ask to be added to its group, or run this as its owner"),
            "\(findings.stderr)")

        try TestTools.sh("chmod 0644 \"$0/cas.db\"", base)
        let list = try Self.runAs(user, "cas-admin", ["list", "jobs"], base: base)
        #expect(list.status != 0)
        #expect(list.stderr.contains("database \(base)/cas.db: "), "\(list.stderr)")
        #expect(list.stderr.contains(user) && list.stderr.contains("owned by root:root"), "\(list.stderr)")
    }
}

import CASTestSupport
import Foundation
import Testing

@testable import CASCore

/// Errors name the user, the path once, the cause and the fix (issue 25, item 9).
@Suite struct ErrorWordingTests {
    let user = FileKind.userName(geteuid())

    @Test func aReadOnlyDatabaseNamesTheUserTheOwnerAndTheFix() throws {
        let dir = try TemporaryDirectory.make("cas-wording")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = FileManager.default.createFile(atPath: dir + "/cas.db", contents: nil, attributes: [.posixPermissions: 0o644])
        let text = Store.readOnlyMessage(path: dir + "/cas.db")
        #expect(text.hasPrefix("database is read-only for user \(user) (owned by \(user):"), "\(text)")
        #expect(text.contains("mode 0644"))
        #expect(text.hasSuffix("run this as the casuser, or give \(user) write access to the file and its directory"))
        let missing = Store.cannotOpenMessage(path: dir + "/none/cas.db")
        #expect(missing == "user \(user) cannot open it (\(dir)/none: No such file or directory)", "\(missing)")
    }

    @Test func cannotCreateSaysAsWhomAndWhichDirectoryMustBeWritable() {
        let text = JobError.cannotCreate("/nonexistent-cas/work/ID", "Permission denied").description
        #expect(text.hasPrefix("cannot create /nonexistent-cas/work/ID as \(user): Permission denied; / (owned by root, mode 0"), "\(text)")
        #expect(text.hasSuffix("must be writable by \(user): run cas as the casuser, or chown \(user) /"))
        #expect(JobError.cannotCreate("/x", "too many jobs in the same second").description == "cannot create /x: too many jobs in the same second")
    }

    @Test func knownHostsMissingIsNotCalledUnreadable() {
        let list = ServerList.load(configured: [], knownHostsPath: "/nonexistent-cas/.ssh/known_hosts")
        #expect(list.source == "/nonexistent-cas/.ssh/known_hosts (no such file)")
    }

    @Test func noRelayNamesTheConfigurationFile() {
        #expect(MailError.noRelay(configFile: "/etc/cas.conf").description
            == "-e needs a mail relay: set smtphost (host or host:port) in [settings] of /etc/cas.conf")
        #expect(MailError.noRelay(configFile: "built-in default (/root/.local/share/cas)").description.hasSuffix(
            "of a configuration file (none is in use: give one with --config, $CAS_CONFIG or /etc/cas.conf)"))
    }

    @Test func noServerForAnUnknownArchitectureSaysTheArchitectureIsUnknown() {
        let unknown = RemoteError.noServer(arch: "unknown", known: []).description
        #expect(unknown.hasPrefix("no analysis server for this dump: its architecture is unknown ('unknown')"), "\(unknown)")
        let known = RemoteError.noServer(arch: "ppc64le", known: []).description
        #expect(known.hasPrefix("no analysis server for ppc64le dumps (this host is \(CrashPlace.hostArchitecture())): add a ppc64le host"))
    }

    @Test func anUnreadablePackageIsNamedOnceWithTheCause() throws {
        let dir = try TemporaryDirectory.make("cas-wording")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            try PayloadExtractor.extract(package: dir + "/none.rpm", kind: "rpm", members: ["/vmlinux"], into: dir, verify: [:])
            Issue.record("extracted from a missing package")
        } catch {
            #expect(error.description == "extracting from \(dir)/none.rpm: no such file or directory", "\(error.description)")
        }
    }

    @Test func anUnreadableJobDirectoryIsNotCalledMissing() {
        #expect(FindingsError.unreadableJobDirectory("/w/ID/latest", "Permission denied").description.hasPrefix(
            "cannot read job directory /w/ID/latest as \(user): Permission denied"))
        #expect(throws: FindingsError.noJobDirectory("/nonexistent-cas/ID/latest")) {
            try FindingsEngine.evaluate(jobDirectory: "/nonexistent-cas/ID/latest", siteRules: nil)
        }
    }
}

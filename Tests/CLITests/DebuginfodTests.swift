import CASCore
import CASTestSupport
import Foundation
import Testing

/// Jobs and `cas-admin extract` with an empty index and debuginfod servers: a real `debuginfod` serving the
/// RPM and the deb made from the fixture vmlinux, tiny Python servers for 404 and silence, `file://` trees.
@Suite(
    .serialized,
    .enabled(
        if: findExecutable("crash") != nil && findExecutable("rpmbuild") != nil && DebuginfodServer.available,
        "needs crash, rpm, debuginfod and libarchive-tools"))
struct DebuginfodTests {
    static let buildId = "08874375e749a8381d73fd31b60f5b1eeae9ac3b"
    static let release = "6.1.192-tiny-pidfix"

    static func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
    }

    @Test("a job completes from the server after a 404 from the first; the second job does not fetch again")
    func jobsFetchOnce() throws {
        let fixtures = try JobWorld.fixtures()
        let server = try DebuginfodServer(packages: fixtures + "/packages", archives: 2)
        defer { server.stop() }
        let missing = try ScriptedHTTPServer(.notFound)
        defer { missing.stop() }
        let sink = try SMTPSink()
        defer { sink.stop() }
        let base = try JobWorld.tree(
            indexed: false, extra: "debuginfodUrls = \(missing.url) \(server.url)/\nsmtphost = 127.0.0.1:\(sink.port)")
        defer { try? FileManager.default.removeItem(atPath: base) }

        let first = try JobWorld.run(
            "cas", ["-i", "dd-1", "-f", fixtures + "/vmcore.kdump-d31", "-e", "dd@example.com"], base: base)
        #expect(first.status == 0, "\(first.stderr)")
        let job = first.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let url = "\(server.url)/buildid/\(Self.buildId)/debuginfo"
        let log = JobWorld.read(job + "/dd-1.log")
        #expect(log.contains("\(missing.url)/buildid/\(Self.buildId)/debuginfo: HTTP 404: "), "\(log)")
        #expect(log.contains("File not found"), "the server's own words")
        #expect(log.contains("fetched from debuginfod by build ID \(Self.buildId): \(url)"), "\(log)")
        #expect(JobWorld.read(job + "/sys").contains("RELEASE: \(Self.release)"))
        let report = try Self.json(job + "/job.json")
        #expect(report["state"] as? String == "done")
        let debuginfo = report["debuginfo"] as? [String: Any]
        #expect(debuginfo?["package"] as? String == url)
        #expect((debuginfo?["match"] as? String)?.contains("fetched from debuginfod") == true)
        let cached = "\(base)/debugs/\(Self.release)/\(Self.buildId)/usr/lib/debug/lib/modules/\(Self.release)/vmlinux"
        #expect(FileManager.default.fileExists(atPath: cached))
        #expect(server.requests(buildId: Self.buildId) == 1)
        let mail = try #require(try sink.messages().first)
        #expect(mail.body.contains("Debuginfo: fetched from debuginfod by build ID \(Self.buildId): \(url)"), "\(mail.body)")

        let second = try JobWorld.run("cas", ["-i", "dd-2", "-f", fixtures + "/vmcore.elf"], base: base)
        #expect(second.status == 0, "\(second.stderr)")
        let secondJob = second.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(JobWorld.read(secondJob + "/dd-2.log").contains("(cached by an earlier job)"))
        #expect(server.requests(buildId: Self.buildId) == 1, "the second job asked the server again")
    }

    @Test("the index has the kernel but its package is gone: the job completes from a file:// tree")
    func unreadablePackageFallsBackToTheServers() throws {
        let fixtures = try JobWorld.fixtures()
        let tree = try TemporaryDirectory.make("cas-dbgd-tree")
        try FileManager.default.createDirectory(
            atPath: tree + "/buildid/" + Self.buildId, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tree) }
        try FileManager.default.createSymbolicLink(
            atPath: tree + "/buildid/\(Self.buildId)/debuginfo", withDestinationPath: fixtures + "/vmlinux")
        let base = try JobWorld.tree(indexed: true, extra: "debuginfodUrls = file://\(tree)")
        defer { try? FileManager.default.removeItem(atPath: base) }
        for package in try FileManager.default.contentsOfDirectory(atPath: base + "/kernels") {
            try FileManager.default.removeItem(atPath: base + "/kernels/" + package)
        }
        let result = try JobWorld.run("cas", ["-i", "dd-gone", "-f", fixtures + "/vmcore.kdump-d31"], base: base)
        #expect(result.status == 0, "\(result.stderr)")
        let job = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let log = JobWorld.read(job + "/dd-gone.log")
        #expect(log.contains("; asking the debuginfod servers"), "\(log)")
        #expect(log.contains("fetched from debuginfod by build ID \(Self.buildId): file://\(tree)/buildid/"), "\(log)")
        #expect(JobWorld.read(job + "/sys").contains("RELEASE: \(Self.release)"))
    }

    @Test("a server that is down: the job ends with exit 69 and a line naming the server")
    func serverDown() throws {
        let fixtures = try JobWorld.fixtures()
        let port = try freeLoopbackPort()
        let base = try JobWorld.tree(indexed: false, extra: "debuginfodUrls = http://127.0.0.1:\(port)")
        defer { try? FileManager.default.removeItem(atPath: base) }
        let result = try JobWorld.run("cas", ["-i", "dd-down", "-f", fixtures + "/vmcore.kdump-d31"], base: base)
        #expect(result.status == ExitStatus.noDebuginfo.rawValue, "\(result.stderr)")
        #expect(result.stderr.contains("no debuginfod server has build ID \(Self.buildId)"), "\(result.stderr)")
        #expect(result.stderr.contains("http://127.0.0.1:\(port)/buildid/\(Self.buildId)/debuginfo: "))
        #expect(result.stderr.lowercased().contains("connect"), "\(result.stderr)")
    }

    @Test("a vmlinux with another build ID is refused and not cached; a file:// tree that has it is used")
    func mismatchThenFileTree() throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree(indexed: false)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let bad = base + "/bad/buildid/" + Self.buildId
        let good = base + "/good/buildid/" + Self.buildId
        try FileManager.default.createDirectory(atPath: bad, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: good, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixtures + "/crashfix.ko", toPath: bad + "/debuginfo")
        try FileManager.default.copyItem(atPath: fixtures + "/vmlinux", toPath: good + "/debuginfo")
        let conf = base + "/cas.conf"
        let text = try String(contentsOfFile: conf, encoding: .utf8)
        try (text + "debuginfodUrls = file://\(base)/bad\n").write(toFile: conf, atomically: true, encoding: .utf8)

        let refused = try JobWorld.run("cas-admin", ["extract", "--build-id", Self.buildId], base: base)
        #expect(refused.status == ExitStatus.noDebuginfo.rawValue)
        #expect(refused.stderr.contains("has build ID e4d92a085b73ed593dbab104884cd75e0e4ea543, not \(Self.buildId): refused"))
        #expect(!JobWorld.listing(base + "/debugs").contains { $0.hasSuffix("vmlinux") || $0.hasSuffix(".part") })

        try (text + "debuginfodUrls = file://\(base)/bad file://\(base)/good\n")
            .write(toFile: conf, atomically: true, encoding: .utf8)
        let fetched = try JobWorld.run("cas-admin", ["extract", "--build-id", Self.buildId], base: base)
        #expect(fetched.status == 0, "\(fetched.stderr)")
        let path = fetched.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(path.hasPrefix(base + "/debugs/unknown/\(Self.buildId)/"))
        #expect(LooseVmlinux.buildId(path: path) == Self.buildId)
        #expect(fetched.stderr.contains("from file://\(base)/good/buildid/\(Self.buildId)/debuginfo"))
    }

    @Test("a server that accepts and never answers hits the timeout with a clear line")
    func silentServerTimesOut() throws {
        let silent = try ScriptedHTTPServer(.silent)
        defer { silent.stop() }
        let base = try JobWorld.tree(
            indexed: false, extra: "debuginfodUrls = \(silent.url)\n[advanced]\ndebuginfodTimeout = 1")
        defer { try? FileManager.default.removeItem(atPath: base) }
        let started = Date()
        let result = try JobWorld.run("cas-admin", ["extract", "--build-id", Self.buildId], base: base)
        #expect(result.status == ExitStatus.noDebuginfo.rawValue)
        #expect(result.stderr.contains("\(silent.url)/buildid/\(Self.buildId)/debuginfo: timed out"), "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test("no server configured: a miss stays a miss with the usual advice")
    func noServerNoNetwork() throws {
        let base = try JobWorld.tree(indexed: false)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let result = try JobWorld.run("cas-admin", ["extract", "--build-id", Self.buildId], base: base)
        #expect(result.status == ExitStatus.noDebuginfo.rawValue)
        #expect(!result.stderr.contains("debuginfod"), "\(result.stderr)")
        let bad = try JobWorld.run("cas-admin", ["extract", "--build-id", "../../x"], base: base)
        #expect(bad.status == 64)
    }
}

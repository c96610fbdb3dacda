import CASCore
import CASTestSupport
import Foundation
import Testing

/// A whole job sent to an analysis server over a real sshd on loopback (`localAnalysis = no`).
@Suite(.serialized, .enabled(if: SSHServerFixture.available && findExecutable("crash") != nil && findExecutable("rpmbuild") != nil,
    "needs openssh, crash and rpm"))
struct RemoteJobTests {
    /// Settings for a job that must run remotely, with the fixture's kernel indexed.
    static func world(servers: [SSHServerFixture]) async throws -> (Settings, Store, String) {
        let base = try DebuginfoFixture.temporaryDirectory()
        var settings = Settings.defaults(base: base, source: "test")
        settings.localAnalysis = false
        settings.snippets = TestTools.packageRoot + "/Snippets"
        settings.sshOptions = ["-F", servers[0].clientConfig]
        settings.sshConnectTimeout = 5
        try FileManager.default.createDirectory(atPath: settings.workDirectory, withIntermediateDirectories: true)
        let store = try Store(path: settings.database)
        _ = try DebuginfoFixture.place(try DebuginfoFixture.package("rpm", compression: "xz"), in: base)
        _ = try await DebuginfoIndexer(options: settings.indexerOptions, store: store).build()
        return (settings, store, base)
    }

    static func record(_ server: SSHServerFixture, in store: Store, arch: String) throws {
        try store.saveServer(ServerRecord(host: "127.0.0.1", port: server.port, arch: arch, crashVersion: "8.0.2",
            sharedStorage: true, available: true, lastSeen: Date(), lastError: nil))
    }

    static func dump() throws -> String { try CrashTestSupport.fixture("vmcore.kdump-d31") }

    @Test func aJobRunsOnTheServerWithTheSameOutputsAsLocally() async throws {
        let sshd = try await SSHServerFixture()
        let (settings, store, base) = try await Self.world(servers: [sshd])
        defer { try? FileManager.default.removeItem(atPath: base) }
        let probe = ServerProbe(ssh: SSH(user: settings.casUser, options: settings.sshOptions, connectTimeout: 5),
            workDirectory: settings.workDirectory)
        let probed = try #require(await probe.probe([ServerAddress(host: "127.0.0.1", port: sshd.port)]).first)
        #expect(probed.available)
        try Self.record(sshd, in: store, arch: try #require(probed.arch))

        let request = JobRequest(caseId: "remote-1", file: try Self.dump(), executablePath: "/nonexistent")
        let report = try await AnalysisJob.start(request, settings: settings, store: store).run()
        #expect(report.state == .done, "\(report.error ?? "")")
        #expect(report.server == "127.0.0.1:\(sshd.port)")
        let sys = try String(contentsOfFile: report.directory + "/sys", encoding: .utf8)
        #expect(sys.contains("RELEASE: 6.1.192-tiny-pidfix"))
        #expect(try String(contentsOfFile: report.directory + "/traceback", encoding: .utf8).contains("write_sysrq_trigger"))
        #expect(try store.jobs(caseId: "remote-1").first?.server == "127.0.0.1:\(sshd.port)")
    }

    @Test func aServerThatDropsMidRunMakesTheJobTryTheNext() async throws {
        // The first server accepts the login, then its session dies under the command (kill of sshd's session).
        let dropping = try await SSHServerFixture(forceCommand: "/bin/sh -c 'kill -9 $PPID'")
        let healthy = try await SSHServerFixture()
        let (settings, store, base) = try await Self.world(servers: [healthy])
        defer { try? FileManager.default.removeItem(atPath: base) }
        try Self.record(dropping, in: store, arch: CrashPlace.hostArchitecture())
        try Self.record(healthy, in: store, arch: CrashPlace.hostArchitecture())
        // The healthy one looks busier, so the dropping one is tried first.
        var busy = JobRecord(caseId: "other", directory: base + "/other", state: .crash, pid: 1)
        busy.server = "127.0.0.1:\(healthy.port)"
        _ = try store.insertJob(busy)

        let request = JobRequest(caseId: "remote-2", file: try Self.dump(), executablePath: "/nonexistent")
        let report = try await AnalysisJob.start(request, settings: settings, store: store).run()
        #expect(report.state == .done, "\(report.error ?? "")")
        #expect(report.server == "127.0.0.1:\(healthy.port)")
        let log = try String(contentsOfFile: report.directory + "/remote-2.log", encoding: .utf8)
        #expect(log.contains("connection to 127.0.0.1:\(dropping.port) failed"))
    }

    @Test func noServerForTheArchitectureFailsNamingIt() async throws {
        let sshd = try await SSHServerFixture()
        let (settings, store, base) = try await Self.world(servers: [sshd])
        defer { try? FileManager.default.removeItem(atPath: base) }
        let request = JobRequest(caseId: "remote-3", file: try Self.dump(), executablePath: "/nonexistent")
        let report = try await AnalysisJob.start(request, settings: settings, store: store).run()
        // Partial: the job still has the dump's own kernel log and the findings from it.
        #expect(report.state == .partial)
        #expect(report.step == .crash)
        #expect(report.exitStatus == ExitStatus.noServer.rawValue)
        #expect(report.error?.contains("no analysis server for \(CrashPlace.hostArchitecture()) dumps") == true)
    }
}

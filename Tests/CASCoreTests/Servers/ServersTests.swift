import CASCore
import CASTestSupport
import Foundation
import Testing

@Suite struct ServerAddressTests {
    @Test func parsesTheForms() throws {
        #expect(ServerAddress(parsing: "a.example.com") == ServerAddress(host: "a.example.com", port: 22))
        #expect(ServerAddress(parsing: " b.example.com:2222 ") == ServerAddress(host: "b.example.com", port: 2222))
        #expect(ServerAddress(parsing: "[10.0.0.5]:22") == ServerAddress(host: "10.0.0.5", port: 22))
        #expect(ServerAddress(parsing: "[::1]:2200") == ServerAddress(host: "::1", port: 2200))
        #expect(ServerAddress(parsing: "[fe80::1]")?.description == "[fe80::1]")
    }

    @Test func refusesWhatSSHCouldMisread() {
        for bad in ["-oProxyCommand=touch /tmp/x", "host;rm -rf /", "a b", "host:0", "host:99999", "host:x", "", "[::1"] {
            #expect(ServerAddress(parsing: bad) == nil, "\(bad)")
        }
    }
}

@Suite struct KnownHostsTests {
    @Test func readsPlainBracketedAndSkipsHashed() {
        let text = """
            # comment
            alpha.example.com,192.0.2.7 ssh-ed25519 AAAAC3Nza
            [beta.example.com]:2222 ecdsa-sha2-nistp256 AAAAE2Vj
            |1|F1E1KeoE/eEWhi10WpGv4OdiO6Y=|3988QV0VE8wmZL7suNrYQLITLCg= ssh-rsa AAAAB3Nza
            @cert-authority *.example.com ssh-rsa AAAAB3Nza
            @revoked gamma.example.com ssh-rsa AAAAB3Nza
            alpha.example.com ssh-rsa AAAAB3Nza

            """
        let list = ServerList.parseKnownHosts(text, path: "/home/cas/.ssh/known_hosts")
        #expect(list.servers == [
            ServerAddress(host: "alpha.example.com"), ServerAddress(host: "192.0.2.7"),
            ServerAddress(host: "beta.example.com", port: 2222),
        ])
        #expect(list.skipped.count == 1)
        #expect(list.skipped.first?.contains("1 hashed host name cannot be read") == true)
    }

    @Test func configuredHostsWinOverKnownHosts() {
        let list = ServerList.load(configured: ["x.example.com", "bad host"], knownHostsPath: "/nonexistent")
        #expect(list.servers == [ServerAddress(host: "x.example.com")])
        #expect(list.skipped == ["'bad host' in [servers] hosts is not host, host:port or [host]:port"])
    }
}

@Suite(.serialized, .enabled(if: SSHServerFixture.available, "needs openssh-server and openssh-client"))
struct ServerProbeTests {
    @Test func probesArchCrashAndSharedStorageAndReportsADeadHost() async throws {
        let sshd = try await SSHServerFixture()
        let work = try makeTemporaryDirectory("cas-work").path
        defer { try? FileManager.default.removeItem(atPath: work) }
        let closed = try freeLoopbackPort()
        let probe = ServerProbe(ssh: sshd.ssh(), workDirectory: work)
        let results = await probe.probe([
            ServerAddress(host: "127.0.0.1", port: sshd.port), ServerAddress(host: "127.0.0.1", port: closed),
        ])
        #expect(results.count == 2)
        let up = try #require(results.first)
        var uts = utsname()
        uname(&uts)
        let machine = withUnsafeBytes(of: &uts.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        #expect(up.arch == machine)
        let localCrash = await InstallationCheck.crashVersion(findExecutable("crash") ?? "crash")
        #expect(up.crashVersion == localCrash)
        #expect(up.sharedStorage)
        #expect(up.available)
        let down = results[1]
        #expect(!down.available)
        #expect(down.problem?.contains("Connection refused") == true)
        #expect(!FileManager.default.fileExists(atPath: work + "/.cas-probe-\(getpid())"), "the token is removed")
    }

    @Test func remoteRunnerQuotesPathsAndFallsBackToTheNextServer() async throws {
        let sshd = try await SSHServerFixture()
        let root = try makeTemporaryDirectory("cas-remote").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try Store(path: root + "/cas.db")
        let dead = try freeLoopbackPort()
        // The dead server looks idle and unused, so it is tried first; the job must move on to the live one.
        try store.saveServer(ServerRecord(host: "127.0.0.1", port: dead, arch: "testarch", crashVersion: "8.0.2",
            sharedStorage: true, available: true, lastSeen: Date(), lastError: nil))
        try store.saveServer(ServerRecord(host: "127.0.0.1", port: sshd.port, arch: "testarch", crashVersion: "8.0.2",
            sharedStorage: true, available: true, lastSeen: Date(), lastError: nil))
        var busy = JobRecord(caseId: "busy", directory: root + "/busy", state: .crash, pid: 1)
        busy.server = "127.0.0.1:\(sshd.port)"
        _ = try store.insertJob(busy)

        let canary = root + "/pwned"
        let jobDirectory = root + "/job 'dir' $(touch \(canary)); `touch \(canary)`"
        try FileManager.default.createDirectory(atPath: jobDirectory, withIntermediateDirectories: true)
        try "#!/bin/sh\necho \"ran in $(pwd) with: $*\"\n".write(
            toFile: jobDirectory + "/crash", atomically: true, encoding: .utf8)
        chmod(jobDirectory + "/crash", 0o755)

        var log: [String] = []
        let runner = RemoteRunner(ssh: sshd.ssh(), store: store)
        let (server, result) = try await runner.run(
            arch: "testarch", remoteCommand: RemoteRunner.crashCommand(jobDirectory: jobDirectory),
            timeout: .seconds(60)) { log.append($0) }
        #expect(server == "127.0.0.1:\(sshd.port)")
        #expect(result.succeeded)
        let output = try String(contentsOfFile: jobDirectory + "/crash.out", encoding: .utf8)
        #expect(output == "ran in \(jobDirectory) with: -s -i crash.in\n")
        #expect(!FileManager.default.fileExists(atPath: canary), "nothing in the path was run by the remote shell")
        #expect(log.contains { $0.contains("connection to 127.0.0.1:\(dead) failed") })
    }

    @Test func noServerForAnArchitectureNamesWhatIsKnown() async throws {
        let root = try makeTemporaryDirectory("cas-noserver").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = try Store(path: root + "/cas.db")
        try store.saveServer(ServerRecord(host: "p9.example.com", port: 22, arch: "ppc64le", crashVersion: nil,
            sharedStorage: false, available: false, lastSeen: nil, lastError: "Permission denied (publickey)"))
        let runner = RemoteRunner(ssh: SSH(user: "cas", options: [], connectTimeout: 1), store: store)
        await #expect {
            _ = try await runner.run(arch: "ppc64le", remoteCommand: "true", timeout: .seconds(5)) { _ in }
        } throws: { error in
            guard let error = error as? RemoteError else { return false }
            return error.exitStatus == .noServer
                && error.description.contains("p9.example.com (unavailable: Permission denied (publickey))")
        }
    }
}

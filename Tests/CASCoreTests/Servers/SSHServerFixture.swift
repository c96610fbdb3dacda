import CASCore
import CASTestSupport
import Foundation
import Testing

/// A real OpenSSH server on a free loopback port, run as the test user with throwaway keys in a
/// temporary directory (`sshd -D -e -f config`), and the client configuration that reaches it.
final class SSHServerFixture: @unchecked Sendable {
    let directory: String
    let port: Int
    let clientConfig: String
    private let process: Process

    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") && findExecutable("ssh") != nil
    }

    /// With `forceCommand`, every session runs that command instead (to make a server that misbehaves).
    init(forceCommand: String? = nil) async throws {
        directory = try makeTemporaryDirectory("cas-sshd").path
        port = try freeLoopbackPort()
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        for key in ["host_key", "user_key"] {
            let result = try await Command("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", "\(directory)/\(key)"]).run()
            try #require(result.succeeded, "ssh-keygen: \(result.lastLines())")
        }
        try FileManager.default.copyItem(atPath: "\(directory)/user_key.pub", toPath: "\(directory)/authorized_keys")
        try """
        Port \(port)
        ListenAddress 127.0.0.1
        HostKey \(directory)/host_key
        AuthorizedKeysFile \(directory)/authorized_keys
        UsePAM no
        StrictModes no
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        PermitRootLogin prohibit-password
        PidFile \(directory)/sshd.pid
        \(forceCommand.map { "ForceCommand \($0)" } ?? "")

        """.write(toFile: "\(directory)/sshd_config", atomically: true, encoding: .utf8)
        clientConfig = "\(directory)/ssh_config"
        try """
        Host *
          IdentityFile \(directory)/user_key
          UserKnownHostsFile \(directory)/known_hosts
          StrictHostKeyChecking accept-new
          LogLevel ERROR

        """.write(toFile: clientConfig, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/sshd")
        process.arguments = ["-D", "-e", "-f", "\(directory)/sshd_config"]
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        try waitForListener(port: port)
    }

    deinit {
        process.terminate()
        process.waitUntilExitReliably()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The SSH client CAS would use against this server.
    func ssh(user: String = Settings.currentUserName()) -> SSH {
        SSH(user: user, options: ["-F", clientConfig], connectTimeout: 5)
    }
}

/// Polls until something accepts TCP connections on the loopback port (at most 10 s).
func waitForListener(port: Int) throws {
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        close(fd)
        if connected { return }
        usleep(20_000)
    }
    throw CocoaError(.fileReadUnknown)
}

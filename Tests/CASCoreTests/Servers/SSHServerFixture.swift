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
    private var server: Daemon?

    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") && findExecutable("ssh") != nil
    }

    /// With `forceCommand`, every session runs that command instead (to make a server that misbehaves).
    init(forceCommand: String? = nil) async throws {
        directory = try makeTemporaryDirectory("cas-sshd").path
        port = try freeLoopbackPort()
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        for key in ["host_key", "user_key"] {
            try TestTools.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", "\(directory)/\(key)"])
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
        let port = self.port
        server = try Daemon(
            "/usr/sbin/sshd", ["-D", "-e", "-f", "\(directory)/sshd_config"], log: "\(directory)/sshd.log",
            readyWithin: 10
        ) { canConnect(port: port) }
    }

    deinit {
        server?.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The SSH client CAS would use against this server.
    func ssh(user: String = Settings.currentUserName()) -> SSH {
        SSH(user: user, options: ["-F", clientConfig], connectTimeout: 5)
    }
}

import Foundation

/// A real server a test talks to (sshd, debuginfod, aiosmtpd, a scripted HTTP server), run as the test
/// user with its output in a log file, stopped (SIGKILL, then reaped) by `stop()` or when the value goes.
public final class Daemon: @unchecked Sendable {
    /// The server's standard output and error.
    public let log: String
    private let spawned: Spawned

    /// Starts `program` with `arguments` and polls `ready` (every 20 ms, up to `seconds`) until it holds;
    /// throws a ``TestFailure`` with the log when the server ends or the time passes first.
    public init(
        _ program: String, _ arguments: [String], log: String, readyWithin seconds: Double = 20,
        ready: () -> Bool
    ) throws {
        self.log = log
        spawned = try Spawned(program, arguments, stdout: log, mergingStderr: true)
        let deadline = Date().addingTimeInterval(seconds)
        while !ready() {
            guard spawned.isRunning, Date() < deadline else {
                stop()
                throw TestFailure("\(program) did not become ready: \(logText().suffix(3000))")
            }
            usleep(20_000)  // polling the server's own readiness, not a guess at how long it takes
        }
    }

    deinit { stop() }

    /// Kills the server (SIGKILL: the child may inherit a blocked SIGTERM from the test runner's thread).
    public func stop() {
        spawned.kill()
        _ = try? spawned.wait()
    }

    public var isRunning: Bool { spawned.isRunning }

    /// What the server has written so far.
    public func logText() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now (bound to port 0, then released).
public func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    guard bound else { throw TestFailure("cannot bind a loopback port") }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// True when a TCP connection to 127.0.0.1:`port` succeeds.
public func canConnect(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

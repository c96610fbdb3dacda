import Foundation

/// A real elfutils `debuginfod` on loopback serving the RPMs and Debian packages of a directory
/// (Debian's `debuginfod`; it reads archives with bsdtar from `libarchive-tools`).
public final class DebuginfodServer: @unchecked Sendable {
    public static var available: Bool { TestTools.which("debuginfod") != nil && TestTools.which("bsdtar") != nil }

    public let port: Int
    public let directory: URL
    private let server: Daemon

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Starts `debuginfod -R -U` over `packages` (or with `scan` instead, `["-F"]` for plain ELF files) and
    /// waits until its `/metrics` say `archives` files are scanned and no scan work is pending.
    public init(packages: String, archives: Int, scan: [String] = ["-R", "-U"]) throws {
        directory = try makeTemporaryDirectory("debuginfod")
        port = try freeLoopbackPort()
        let arguments =
            scan + [
                "-p", String(port), "-d", directory.appendingPathComponent("db.sqlite").path,
                "-t", "0", "-g", "0", "-vvv", packages,
            ]
        let url = "http://127.0.0.1:\(port)"
        server = try Daemon(
            "debuginfod", arguments, log: directory.appendingPathComponent("debuginfod.log").path, readyWithin: 120
        ) { Self.scanned(url) >= archives }
    }

    public func stop() { server.stop() }

    /// Packages scanned so far, 0 while a scan is pending (or the server does not answer yet).
    static func scanned(_ url: String) -> Int {
        guard let metrics = try? TestTools.run("curl", ["-sf", "--max-time", "5", url + "/metrics"]) else { return 0 }
        let lines = metrics.split(separator: "\n")
        if lines.contains(where: { $0.hasPrefix("thread_work_pending{role=\"scan\"}") && !$0.hasSuffix(" 0") }) {
            return 0
        }
        return lines.filter { $0.hasPrefix("scanned_files_total{") }.compactMap { Int($0.split(separator: " ").last ?? "") }
            .reduce(0, +)
    }

    /// The server's verbose log.
    public func logText() -> String { server.logText() }

    /// How many `GET /buildid/<id>/<kind>` requests it answered with `status`.
    public func requests(buildId: String, kind: String = "debuginfo", status: Int = 200) -> Int {
        logText().split(separator: "\n").filter { $0.contains("GET /buildid/\(buildId)/\(kind) \(status) ") }.count
    }
}

/// A tiny Python server on loopback: `.notFound` answers every GET with 404 (`http.server` over an empty
/// directory), `.silent` accepts connections and never answers.
public final class ScriptedHTTPServer: @unchecked Sendable {
    public enum Behaviour { case notFound, silent }

    public let port: Int
    private let server: Daemon
    public var url: String { "http://127.0.0.1:\(port)" }

    public init(_ behaviour: Behaviour) throws {
        port = try freeLoopbackPort()
        let empty = try makeTemporaryDirectory("http-empty")
        let arguments: [String]
        switch behaviour {
        case .notFound:
            arguments = ["-m", "http.server", "--bind", "127.0.0.1", "--directory", empty.path, String(port)]
        case .silent:
            let script = """
                import socket, sys, time
                s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
                held = []
                while True:
                    c, _ = s.accept(); held.append(c)
                """
            arguments = ["-c", script, String(port)]
        }
        let port = self.port
        server = try Daemon("/usr/bin/python3", arguments, log: empty.path + ".log") { canConnect(port: port) }
    }

    public func stop() { server.stop() }
}

import Foundation

/// A real elfutils `debuginfod` on loopback serving the RPMs and Debian packages of a directory
/// (Debian's `debuginfod`; it reads archives with bsdtar from `libarchive-tools`).
public final class DebuginfodServer: @unchecked Sendable {
    public static var available: Bool { executable("debuginfod") != nil && executable("bsdtar") != nil }

    /// `name` found on PATH.
    static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public let port: Int
    public let directory: URL
    private let process: Process
    private let log: URL

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Starts `debuginfod -R -U` over `packages` (or with `scan` instead, `["-F"]` for plain ELF files) and
    /// waits until its `/metrics` say `archives` files are scanned and no scan work is pending.
    public init(packages: String, archives: Int, scan: [String] = ["-R", "-U"]) throws {
        directory = try makeTemporaryDirectory("debuginfod")
        log = directory.appendingPathComponent("debuginfod.log")
        port = try freeLoopbackPort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable("debuginfod") ?? "/usr/bin/debuginfod")
        process.arguments =
            scan + [
                "-p", String(port), "-d", directory.appendingPathComponent("db.sqlite").path,
                "-t", "0", "-g", "0", "-vvv", packages,
            ]
        process.standardOutput = FileHandle.nullDevice
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while scanned() < archives {
            guard process.isRunningReliably, Date() < deadline else {
                stop()
                throw ServerFailed(description: "debuginfod did not scan \(packages) on port \(port): \(logText())")
            }
            usleep(50_000)  // polling /metrics until the scan is done, not a guess at how long it takes
        }
    }

    deinit { stop() }

    public func stop() {
        if process.isRunningReliably {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExitReliably()
        }
    }

    /// Packages scanned so far, 0 while a scan is pending (or the server does not answer yet).
    func scanned() -> Int {
        guard let metrics = try? TestTools.run("curl", ["-sf", "--max-time", "5", url + "/metrics"]) else { return 0 }
        let lines = metrics.split(separator: "\n")
        if lines.contains(where: { $0.hasPrefix("thread_work_pending{role=\"scan\"}") && !$0.hasSuffix(" 0") }) {
            return 0
        }
        return lines.filter { $0.hasPrefix("scanned_files_total{") }.compactMap { Int($0.split(separator: " ").last ?? "") }
            .reduce(0, +)
    }

    /// The server's verbose log.
    public func logText() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// How many `GET /buildid/<id>/<kind>` requests it answered with `status`.
    public func requests(buildId: String, kind: String = "debuginfo", status: Int = 200) -> Int {
        logText().split(separator: "\n").filter { $0.contains("GET /buildid/\(buildId)/\(kind) \(status) ") }.count
    }

    public struct ServerFailed: Error, CustomStringConvertible { public var description: String }
}

/// A tiny Python server on loopback: `.notFound` answers every GET with 404 (`http.server` over an empty
/// directory), `.silent` accepts connections and never answers.
public final class ScriptedHTTPServer: @unchecked Sendable {
    public enum Behaviour { case notFound, silent }

    public let port: Int
    private let process: Process
    public var url: String { "http://127.0.0.1:\(port)" }

    public init(_ behaviour: Behaviour) throws {
        port = try freeLoopbackPort()
        let empty = try makeTemporaryDirectory("http-empty")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        switch behaviour {
        case .notFound:
            process.arguments = ["-m", "http.server", "--bind", "127.0.0.1", "--directory", empty.path, String(port)]
        case .silent:
            let script = """
                import socket, sys, time
                s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
                held = []
                while True:
                    c, _ = s.accept(); held.append(c)
                """
            process.arguments = ["-c", script, String(port)]
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while !canConnect(port: port) {
            guard process.isRunningReliably, Date() < deadline else {
                stop()
                throw DebuginfodServer.ServerFailed(description: "python3 did not listen on 127.0.0.1:\(port)")
            }
            usleep(20_000)  // polling the listening socket
        }
    }

    deinit { stop() }

    public func stop() {
        if process.isRunningReliably {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExitReliably()
        }
    }
}

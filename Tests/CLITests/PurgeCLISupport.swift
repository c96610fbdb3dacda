import CASTestSupport
import Foundation

/// A temporary CAS installation driven through the built `cas-admin` binary.
final class PurgeCLIFixture {
    let root: String
    var work: String { root + "/work" }
    var config: String { root + "/cas.conf" }

    init(workDirectory: String? = nil, autoPurge: Bool = false, purgeLimit: Int = 90) throws {
        let template = FileManager.default.temporaryDirectory.path + "/cas-purge-cli-XXXXXX"
        var buffer = Array(template.utf8CString)
        guard let made = mkdtemp(&buffer) else { throw CocoaError(.fileWriteUnknown) }
        root = String(cString: made)
        for dir in ["work", "debugs", "kernels"] {
            try FileManager.default.createDirectory(atPath: root + "/" + dir, withIntermediateDirectories: true)
        }
        let text = """
            [settings]
            kernels = \(root)/kernels
            debugs = \(root)/debugs
            workDirectory = \(workDirectory ?? root + "/work")
            database = \(root)/cas.db
            [maintenance]
            purgeLimit = \(purgeLimit)
            autoPurge = \(autoPurge ? "Yes" : "No")

            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: config))
    }

    deinit {
        _ = try? Self.execute("/usr/bin/chattr", ["-R", "-i", root])
        try? FileManager.default.removeItem(atPath: root)
    }

    /// A job stamp name for `days` ago, local time.
    static func stamp(daysAgo days: Double) -> String {
        var seconds = time_t(Date().addingTimeInterval(-days * 86400).timeIntervalSince1970)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return String(
            format: "%04d.%02d.%02d.%02d.%02d.%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    /// Makes `work/<id>/<stamp daysAgo>/` with two small files; its path.
    @discardableResult
    func job(_ id: String, daysAgo: Double) throws -> String {
        let path = work + "/" + id + "/" + Self.stamp(daysAgo: daysAgo)
        try FileManager.default.createDirectory(atPath: path + "/sub", withIntermediateDirectories: true)
        try Data("PANIC\n".utf8).write(to: URL(fileURLWithPath: path + "/crash.out"))
        try Data("log\n".utf8).write(to: URL(fileURLWithPath: path + "/sub/log"))
        return path
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the built `cas-admin` with `arguments` plus `--config` this fixture's file.
    func casAdmin(_ arguments: [String]) throws -> Result {
        try Self.execute(Self.binary("cas-admin"), arguments + ["--config", config])
    }

    static func execute(_ tool: String, _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExitReliably()
        return Result(
            status: process.reliableTerminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// The built executable `name`: next to the test bundle, else in `.build/debug` above it.
    static func binary(_ name: String) -> String {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<6 {
            for candidate in [directory.path + "/" + name, directory.path + "/.build/debug/" + name]
            where FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
            directory.deleteLastPathComponent()
        }
        return name
    }
}

import CASTestSupport
import Foundation

/// A temporary CAS installation driven through the built `cas-admin` binary.
final class PurgeCLIFixture {
    let root: String
    /// Removed after `deinit` has made the tree's files mutable again.
    private let directory = TemporaryDirectory("cas-purge-cli")
    var work: String { root + "/work" }
    var config: String { root + "/cas.conf" }

    init(workDirectory: String? = nil, autoPurge: Bool = false, purgeLimit: Int = 90) throws {
        root = directory.path
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
        _ = try? TestTools.execute("/usr/bin/chattr", ["-R", "-i", root])
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

    /// Runs the built `cas-admin` with `arguments` plus `--config` this fixture's file.
    func casAdmin(_ arguments: [String]) throws -> RunResult {
        try BuiltBinary.run("cas-admin", arguments + ["--config", config])
    }
}

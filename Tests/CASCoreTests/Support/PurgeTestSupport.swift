import CASTestSupport
import Foundation
import Testing

@testable import CASCore

/// A throw-away CAS installation for purge tests: work tree, debugs cache, database, settings.
final class PurgeFixture {
    let root: String
    let work: String
    let debugs: String
    let outside: String
    var settings: Settings
    let store: Store
    private var immutable: [String] = []
    /// Removed after `deinit` has made the immutable files mutable again.
    private let directory = TemporaryDirectory("cas-purge")

    init(purgeLimit: Int = 90) throws {
        root = directory.path
        work = root + "/work"
        debugs = root + "/debugs"
        outside = root + "/outside"
        for dir in [work, debugs, outside, root + "/kernels"] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        settings = Settings.defaults(base: root, source: "test")
        settings.purgeLimit = purgeLimit
        store = try Store(path: root + "/cas.db")
    }

    deinit {
        for path in immutable { _ = try? TestTools.execute("/usr/bin/chattr", ["-i", path]) }
    }

    /// A job stamp name for a moment `days` ago.
    static func stamp(daysAgo days: Double, now: Date = Date()) -> String {
        var seconds = time_t(now.addingTimeInterval(-days * 86400).timeIntervalSince1970)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return String(
            format: "%04d.%02d.%02d.%02d.%02d.%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    /// Makes `work/<id>/<name>/` with a few small files; `mtimeDaysAgo` ages it; `recordDaysAgo` adds a row.
    @discardableResult
    func job(
        _ id: String, _ name: String, files: [String: String] = ["crash.out": "PANIC\n", "sub/log": "x\n"],
        mtimeDaysAgo: Double? = nil, recordDaysAgo: Double? = nil
    ) throws -> String {
        let path = work + "/" + id + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (file, text) in files { try write(path + "/" + file, text) }
        if let days = recordDaysAgo {
            _ = try store.insertJob(
                JobRecord(
                    caseId: id, directory: path, state: .done, pid: nil,
                    startedAt: Date().addingTimeInterval(-days * 86400)))
        }
        if let days = mtimeDaysAgo { try age(path, days: days) }
        return path
    }

    /// Makes `debugs/<release>/<key>/vmlinux` of `bytes` bytes; a row with `lastUsedDaysAgo` when given.
    @discardableResult
    func cacheEntry(
        _ release: String, _ key: String, bytes: Int = 4096, lastUsedDaysAgo: Double? = nil, mtimeDaysAgo: Double = 0
    ) throws -> String {
        let path = debugs + "/" + release + "/" + key
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Data(repeating: 0x5a, count: bytes).write(to: URL(fileURLWithPath: path + "/vmlinux"))
        if let days = lastUsedDaysAgo {
            let used = Date().addingTimeInterval(-days * 86400).timeIntervalSince1970
            try store.write { db in
                try db.execute(
                    sql: "INSERT INTO cacheEntry (path, release, size, extractedAt, lastUsed) VALUES (?, ?, ?, ?, ?)",
                    arguments: [path, release, bytes, used, used])
            }
        }
        try age(path, days: mtimeDaysAgo)
        return path
    }

    func write(_ path: String, _ text: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    func age(_ path: String, days: Double) throws {
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-days * 86400)], ofItemAtPath: path)
    }

    /// Makes `path` immutable with `chattr +i` (undone on deinit); false when the file system cannot.
    func makeImmutable(_ path: String) -> Bool {
        guard (try? TestTools.execute("/usr/bin/chattr", ["+i", path]))?.status == 0 else { return false }
        immutable.append(path)
        return true
    }

    func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// Every path under `root` with its type, size and mtime: equal snapshots mean nothing changed.
    func snapshot() -> [String] {
        var lines: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            var st = stat()
            lstat(root + "/" + relative, &st)
            lines.append("\(relative) \(st.st_mode) \(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)")
        }
        return lines.sorted()
    }

    func purger(days: Int? = nil) throws -> Purger { try Purger(policy: settings.purgePolicy, store: store, days: days) }

    /// Plans and executes one purge.
    func purge(days: Int? = nil, dryRun: Bool) throws -> PurgeReport {
        let purger = try purger(days: days)
        return purger.execute(try purger.plan(), dryRun: dryRun)
    }

    /// True when `chattr +i` works here (root on ext4/xfs/btrfs), probed once.
    static let immutableWorks: Bool = {
        guard let fixture = try? PurgeFixture() else { return false }
        let probe = fixture.root + "/probe"
        guard (try? fixture.write(probe, "x")) != nil, fixture.makeImmutable(probe) else { return false }
        return unlink(probe) != 0
    }()
}

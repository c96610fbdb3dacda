import CASTestSupport
import Foundation
import Testing

/// Shared helpers for the Archive and Identification tests: fixture dumps decompressed once per process,
/// temporary directories, and the real compression tools.
enum ArchiveFixtures {
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("package root not found above \(#filePath)")
    }()

    static let fixtureDirectory = packageRoot.appendingPathComponent("../shared/fixtures/kernel-6.1.192-tiny")
        .standardizedFileURL

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [String: String] = [:]
    private static let cacheDirectory: String = {
        // Shared by test runs: a file appears there only complete (decompressed aside, then renamed).
        let dir = NSTemporaryDirectory() + "cas-archive-fixtures"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    /// The decompressed fixture `name` (e.g. "vmcore.elf"), made once per test process.
    static func dump(_ name: String) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let path = cache[name] { return path }
        let path = cacheDirectory + "/" + name
        if !FileManager.default.fileExists(atPath: path) {
            let partial = path + ".\(getpid()).partial"
            try run("/bin/sh", ["-c", "xz -dc \"$1\" > \"$2\" && mv \"$2\" \"$3\"", "sh",
                                fixtureDirectory.path + "/\(name).xz", partial, path])
        }
        cache[name] = path
        return path
    }

    /// A fresh temporary directory, removed by the caller with `cleanup`.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "cas-archive-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func cleanup(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Runs a program with arguments (no shell unless asked), failing on a non-zero exit.
    @discardableResult
    static func run(_ program: String, _ arguments: [String], in directory: String? = nil) throws -> String {
        try TestTools.run(program, arguments, in: directory)
    }

    /// Runs `shell` through /bin/sh in `directory` (test-made commands only, never user input).
    static func shell(_ script: String, in directory: String) throws {
        try run("/bin/sh", ["-c", script], in: directory)
    }

    /// True when `tool` is on PATH.
    static func has(_ tool: String) -> Bool {
        (try? run("/bin/sh", ["-c", "command -v \"$1\"", "sh", tool])) != nil
    }

    /// The dump magic test the intake tests use, independent of the Dump stage.
    static func testRank(_ prefix: [UInt8]) -> Int {
        if prefix.starts(with: [0x7f, 0x45, 0x4c, 0x46]) { return 2 }
        if prefix.starts(with: Array("KDUMP   ".utf8)) || prefix.starts(with: Array("makedumpfile".utf8)) { return 2 }
        return 0
    }

    /// st_ino, st_size and allocated bytes of `path`.
    static func fileInfo(_ path: String) -> (inode: UInt64, size: Int64, allocated: Int64)? {
        var st = Glibc.stat()
        guard lstat(path, &st) == 0 else { return nil }
        return (UInt64(st.st_ino), Int64(st.st_size), Int64(st.st_blocks) * 512)
    }

    /// Every file under `directory`, relative, sorted.
    static func files(_ directory: String) -> [String] {
        let items = FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []
        return items.filter { !isDirectory(directory + "/" + $0) }.sorted()
    }

    static func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }
}

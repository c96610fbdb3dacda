import CASTestSupport
import Foundation
import Testing

/// Shared helpers for the Archive and Identification tests: fixture dumps and the real compression tools.
enum ArchiveFixtures {
    /// The decompressed fixture `name` (e.g. "vmcore.elf"), made once per test process.
    static func dump(_ name: String) throws -> String { try Fixtures.path(name) }

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

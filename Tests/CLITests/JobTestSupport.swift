import CASCore
import CASTestSupport
import Foundation

/// The end-to-end world of an analysis job: the fixture dump in its four formats, an index built from an
/// RPM and a .deb made from its vmlinux, a temporary configuration, and the built `cas`/`cas-admin`.
enum JobWorld {
    static let release = "6.1.192-tiny-pidfix"
    private static let lock = NSLock()
    nonisolated(unsafe) private static var shared: String?

    /// Decompressed fixtures and the packages, made once per test process.
    static func fixtures() throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let shared { return shared }
        let dir = NSTemporaryDirectory() + "cas-job-fixtures-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/packages", withIntermediateDirectories: true)
        let source = DebuginfoCLI.packageRoot + "/../shared/fixtures/kernel-6.1.192-tiny"
        for name in ["vmlinux", "crashfix.ko", "vmcore.elf", "vmcore.kdump-d31", "vmcore.flat", "vmcore.kdump-zlib"] {
            try sh("xz -dc \"$0\" > \"$1\"", source + "/\(name).xz", dir + "/" + name)
        }
        let script = DebuginfoCLI.packageRoot + "/Scripts/make-kernel-package"
        try sh("\"$0\" rpm \"$1\" \"$2\" \"$3\" xz \"$4\" > /dev/null", script, dir + "/vmlinux", dir + "/crashfix.ko",
            release, dir + "/packages")
        try sh("\"$0\" deb \"$1\" \"$2\" \"$3\" xz \"$4\" > /dev/null", script, dir + "/vmlinux", dir + "/crashfix.ko",
            release, dir + "/packages")
        shared = dir
        return dir
    }

    /// A fresh tree (kernels holding the packages when `indexed`), its cas.conf with `extra` lines, and the index built.
    static func tree(indexed: Bool = true, extra: String = "") throws -> String {
        let fixtures = try fixtures()
        let base = NSTemporaryDirectory() + "cas-job-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: base + "/kernels", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: base + "/work", withIntermediateDirectories: true)
        if indexed {
            for package in try FileManager.default.contentsOfDirectory(atPath: fixtures + "/packages") {
                try FileManager.default.linkItem(atPath: fixtures + "/packages/" + package, toPath: base + "/kernels/" + package)
            }
        }
        try """
        [settings]
        kernels = \(base)/kernels
        debugs = \(base)/debugs
        workDirectory = \(base)/work
        database = \(base)/cas.db
        snippets = \(DebuginfoCLI.packageRoot)/Snippets
        \(extra)

        """.write(toFile: base + "/cas.conf", atomically: true, encoding: .utf8)
        if indexed {
            let built = try run("cas-admin", ["-b"], base: base)
            guard built.status == 0 else { throw TestFailure("cas-admin -b: \(built.stderr)") }
        }
        return base
    }

    /// Runs a built binary with `--config base/cas.conf` appended (unless `withConfig` is false).
    static func run(_ tool: String, _ arguments: [String], base: String, withConfig: Bool = true) throws
        -> DebuginfoCLI.Output
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: DebuginfoCLI.binaries + "/" + tool)
        process.arguments = arguments + (withConfig ? ["--config", base + "/cas.conf"] : [])
        let tag = UUID().uuidString
        let out = base + "/.\(tag).out"
        let err = base + "/.\(tag).err"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        process.waitUntilExitReliably()
        defer {
            unlink(out)
            unlink(err)
        }
        return try DebuginfoCLI.collect(process, out, err)
    }

    /// Runs a shell line with positional arguments ($0, $1, …), never interpolating them.
    @discardableResult
    static func sh(_ script: String, _ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExitReliably()
        guard process.reliableTerminationStatus == 0 else {
            throw TestFailure("sh -c \(script): \(String(decoding: err, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// Everything under `directory`, relative paths, sorted.
    static func listing(_ directory: String) -> [String] {
        ((FileManager.default.enumerator(atPath: directory)?.allObjects as? [String]) ?? []).sorted()
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

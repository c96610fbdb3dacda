import CASCore
import CASTestSupport
import Foundation

/// Helpers for the end-to-end debuginfo tests: the built binaries, a config over a temporary tree,
/// packages made by Scripts/make-kernel-package (once per process).
enum DebuginfoCLI {
    static let release = "6.1.192-tiny-pidfix"
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [String: String] = [:]

    static var packageRoot: String { TestTools.packageRoot }

    /// The directory holding the built `cas-admin`.
    static var binaries: String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<6 {
            if FileManager.default.isExecutableFile(atPath: dir.path + "/cas-admin") { return dir.path }
            dir.deleteLastPathComponent()
        }
        return packageRoot + "/.build/debug"
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Starts `cas-admin` with `arguments` (stdout and stderr to files under `base`).
    static func start(_ arguments: [String], base: String, tag: String = UUID().uuidString) throws
        -> (Process, String, String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binaries + "/cas-admin")
        process.arguments = arguments + ["--config", base + "/cas.conf"]
        let out = base + "/\(tag).out"
        let err = base + "/\(tag).err"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try process.run()
        return (process, out, err)
    }

    /// Runs `cas-admin` to its end.
    static func run(_ arguments: [String], base: String) throws -> Output {
        let (process, out, err) = try start(arguments, base: base)
        process.waitUntilExitReliably()
        return try collect(process, out, err)
    }

    static func collect(_ process: Process, _ out: String, _ err: String) throws -> Output {
        Output(
            status: process.reliableTerminationStatus, stdout: try String(contentsOfFile: out, encoding: .utf8),
            stderr: try String(contentsOfFile: err, encoding: .utf8))
    }

    /// A temporary tree with `kernels/` and a cas.conf pointing into it.
    static func tree() throws -> String {
        let base = NSTemporaryDirectory() + "cas-dbgcli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: base + "/kernels", withIntermediateDirectories: true)
        let conf = """
            [settings]
            kernels = \(base)/kernels
            debugs = \(base)/debugs
            workDirectory = \(base)/work
            database = \(base)/cas.db

            """
        try conf.write(toFile: base + "/cas.conf", atomically: true, encoding: .utf8)
        return base
    }

    /// The decompressed fixture file `name` (vmlinux, crashfix.ko), once per process.
    static func fixture(_ name: String) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let path = cache["fixture-" + name] { return path }
        let dir = NSTemporaryDirectory() + "cas-dbgcli-fixture-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let source = packageRoot + "/../shared/fixtures/kernel-6.1.192-tiny/\(name).xz"
        try shell("xz -dc \"$0\" > \"$1\"", source, dir + "/" + name)
        cache["fixture-" + name] = dir + "/" + name
        return dir + "/" + name
    }

    /// A package made by Scripts/make-kernel-package, once per process.
    static func package(_ kind: String, _ compression: String, ddeb: Bool = false) throws -> String {
        let vmlinux = try fixture("vmlinux")
        let ko = try fixture("crashfix.ko")
        let key = "\(kind)-\(compression)-\(ddeb)"
        lock.lock()
        defer { lock.unlock() }
        if let path = cache[key] { return path }
        let out = NSTemporaryDirectory() + "cas-dbgcli-pkg-\(getpid())/\(key)"
        let path = try shell(
            "\"$0\" \"$1\" \"$2\" \"$3\" \"$4\" \"$5\" \"$6\" $7", packageRoot + "/Scripts/make-kernel-package", kind,
            vmlinux, ko, release, compression, out, ddeb ? "ddeb" : ""
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        cache[key] = path
        return path
    }

    @discardableResult
    static func shell(_ script: String, _ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExitReliably()
        guard process.reliableTerminationStatus == 0 else { throw CLITestFailure("\(script) failed") }
        return String(decoding: data, as: UTF8.self)
    }

    static func hasTool(_ name: String) -> Bool { findExecutable(name) != nil }
}

struct CLITestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

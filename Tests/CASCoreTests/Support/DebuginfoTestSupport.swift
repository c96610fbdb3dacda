import CASCore
import CASTestSupport
import Foundation

/// Shared helpers for the debuginfo tests: the fixture kernel, packages built with the real tools (once per
/// test process), temporary trees.
enum DebuginfoFixture {
    static let release = "6.1.192-tiny-pidfix"
    static let buildId = "08874375e749a8381d73fd31b60f5b1eeae9ac3b"
    static let banner =
        "Linux version 6.1.192-tiny-pidfix (ci@tiny-vmcore) (gcc (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP Wed Jan  1 00:00:00 UTC 2025"

    private static let lock = NSLock()
    nonisolated(unsafe) private static var built: [String: String] = [:]
    nonisolated(unsafe) private static var fixtureDir: String?

    static var packageRoot: String { TestTools.packageRoot }

    static func hasTool(_ name: String) -> Bool { findExecutable(name) != nil }

    /// The decompressed fixture vmlinux and crashfix.ko (decompressed once per process).
    static func fixtures() throws -> (vmlinux: String, ko: String) {
        lock.lock()
        defer { lock.unlock() }
        if let dir = fixtureDir { return (dir + "/vmlinux", dir + "/crashfix.ko") }
        let dir = NSTemporaryDirectory() + "cas-dbg-fixture-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let source = packageRoot + "/../shared/fixtures/kernel-6.1.192-tiny"
        for name in ["vmlinux", "crashfix.ko"] {
            try run("/bin/sh", ["-c", "xz -dc \"$0\" > \"$1\"", source + "/\(name).xz", dir + "/" + name])
        }
        fixtureDir = dir
        return (dir + "/vmlinux", dir + "/crashfix.ko")
    }

    /// A package built by Scripts/make-kernel-package (`kind` rpm or deb), cached per process.
    static func package(_ kind: String, compression: String, release: String = release, ddeb: Bool = false) throws
        -> String
    {
        let (vmlinux, ko) = try fixtures()
        let key = "\(kind)-\(compression)-\(release)-\(ddeb)"
        lock.lock()
        defer { lock.unlock() }
        if let path = built[key] { return path }
        let out = NSTemporaryDirectory() + "cas-dbg-pkg-\(getpid())/\(key)"
        var arguments = [kind, vmlinux, ko, release, compression, out]
        if ddeb { arguments.append("ddeb") }
        let path = try run(packageRoot + "/Scripts/make-kernel-package", arguments)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        built[key] = path
        return path
    }

    /// Runs a program, returning its standard output; throws with its standard error on failure.
    @discardableResult
    static func run(_ program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExitReliably()
        guard process.reliableTerminationStatus == 0 else {
            throw TestFailure(
                "\(program) \(arguments.joined(separator: " ")): \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "cas-dbg-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path + "/kernels", withIntermediateDirectories: true)
        return path
    }

    /// Settings rooted at `base` (kernels = base/kernels) and its store.
    static func setup(_ base: String) throws -> (Settings, Store) {
        let settings = Settings.defaults(base: base, source: "test")
        return (settings, try Store(path: settings.database))
    }

    /// Hard-links (or, with `copy`, copies) `package` into `base/kernels` as `name`.
    static func place(_ package: String, in base: String, as name: String? = nil, copy: Bool = false) throws -> String {
        let target = base + "/kernels/" + (name ?? (package as NSString).lastPathComponent)
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if copy || link(package, target) != 0 { try FileManager.default.copyItem(atPath: package, toPath: target) }
        return target
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

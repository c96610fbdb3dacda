import CASCore
import CASTestSupport
import Foundation

/// The end-to-end world of an analysis job: the fixture dump in its four formats, an index built from an
/// RPM and a .deb made from its vmlinux, a temporary configuration, and the built `cas`/`cas-admin`.
enum JobWorld {
    static let release = Fixtures.release
    private static let lock = NSLock()
    nonisolated(unsafe) private static var shared: String?

    /// Decompressed fixtures and the packages, made once per test process.
    static func fixtures() throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let shared { return shared }
        // A copy of its own: the job tests hand these files to `cas` (and to a casuser) as uploads.
        let dir = try TemporaryDirectory.make("cas-job-fixtures")
        try FileManager.default.createDirectory(atPath: dir + "/packages", withIntermediateDirectories: true)
        for name in ["vmlinux", "crashfix.ko", "vmcore.elf", "vmcore.kdump-d31", "vmcore.flat", "vmcore.kdump-zlib"] {
            try Fixtures.copy(name, to: dir + "/" + name)
        }
        for kind in ["rpm", "deb"] {
            let package = try Fixtures.kernelPackage(kind, compression: "xz")
            try FileManager.default.copyItem(
                atPath: package, toPath: dir + "/packages/" + (package as NSString).lastPathComponent)
        }
        shared = dir
        return dir
    }

    /// A fresh tree (kernels holding the packages when `indexed`), its cas.conf with `extra` lines, and the index built.
    static func tree(indexed: Bool = true, extra: String = "") throws -> String {
        let fixtures = try fixtures()
        let base = try TemporaryDirectory.make("cas-job")
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
        snippets = \(TestTools.packageRoot)/Snippets
        \(extra)

        """.write(toFile: base + "/cas.conf", atomically: true, encoding: .utf8)
        if indexed {
            let built = try run("cas-admin", ["-b"], base: base)
            guard built.status == 0 else { throw TestFailure("cas-admin -b: \(built.stderr)") }
        }
        return base
    }

    /// Runs a built binary with `--config base/cas.conf` appended (unless `withConfig` is false).
    static func run(_ tool: String, _ arguments: [String], base: String, withConfig: Bool = true) throws -> RunResult {
        try BuiltBinary.run(tool, arguments + (withConfig ? ["--config", base + "/cas.conf"] : []))
    }

    static func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// Everything under `directory`, relative paths, sorted.
    static func listing(_ directory: String) -> [String] {
        ((FileManager.default.enumerator(atPath: directory)?.allObjects as? [String]) ?? []).sorted()
    }
}

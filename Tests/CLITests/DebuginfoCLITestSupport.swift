import CASCore
import CASTestSupport
import Foundation

/// Helpers for the end-to-end debuginfo tests: `cas-admin` on a config over a temporary tree, packages made
/// by Scripts/make-kernel-package (once per process).
enum DebuginfoCLI {
    static let release = Fixtures.release

    /// Starts `cas-admin` with `arguments` and `--config base/cas.conf`.
    static func start(_ arguments: [String], base: String) throws -> Spawned {
        try BuiltBinary.start("cas-admin", arguments + ["--config", base + "/cas.conf"])
    }

    /// Runs `cas-admin` with `arguments` and `--config base/cas.conf` to its end.
    static func run(_ arguments: [String], base: String) throws -> RunResult {
        try BuiltBinary.run("cas-admin", arguments + ["--config", base + "/cas.conf"])
    }

    /// A temporary tree with `kernels/` and a cas.conf pointing into it.
    static func tree() throws -> String {
        let base = try TemporaryDirectory.make("cas-dbgcli")
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

    /// A package made by Scripts/make-kernel-package, once per process.
    static func package(_ kind: String, _ compression: String, ddeb: Bool = false) throws -> String {
        try Fixtures.kernelPackage(kind, compression: compression, ddeb: ddeb)
    }

    static func hasTool(_ name: String) -> Bool { findExecutable(name) != nil }
}

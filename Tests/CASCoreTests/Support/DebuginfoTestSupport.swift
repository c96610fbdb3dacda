import CASCore
import CASTestSupport
import Foundation

/// Shared helpers for the debuginfo tests: the fixture kernel, packages built with the real tools (once per
/// test process), temporary trees.
enum DebuginfoFixture {
    static let release = Fixtures.release
    static let buildId = Fixtures.buildId
    static let banner = Fixtures.banner

    static func hasTool(_ name: String) -> Bool { findExecutable(name) != nil }

    /// The decompressed fixture vmlinux and crashfix.ko (decompressed once per process).
    static func fixtures() throws -> (vmlinux: String, ko: String) {
        (try Fixtures.path("vmlinux"), try Fixtures.path("crashfix.ko"))
    }

    /// A package built by Scripts/make-kernel-package (`kind` rpm or deb), cached per process.
    static func package(_ kind: String, compression: String, release: String = release, ddeb: Bool = false) throws
        -> String
    {
        try Fixtures.kernelPackage(kind, compression: compression, release: release, ddeb: ddeb)
    }

    /// A fresh temporary tree holding an empty `kernels/`.
    static func temporaryDirectory() throws -> String {
        let path = try TemporaryDirectory.make("cas-dbg")
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

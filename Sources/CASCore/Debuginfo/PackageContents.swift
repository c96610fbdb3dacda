import Foundation

/// What the index learns from one package's headers: the package facts and the kernels inside.
public struct PackageContents: Sendable, Equatable {
    /// The three kinds of file `cas-admin -b` reads.
    public enum Kind: String, Sendable, Codable { case rpm, deb, vmlinux }

    public var kind: Kind
    public var name: String?
    public var version: String?
    public var release: String?
    public var arch: String?
    public var buildTime: Int64?
    public var payloadFormat: String?
    public var payloadCompressor: String?
    public var kernels: [KernelEntry]
}

/// One kernel inside a package: where its vmlinux is, which kernel it is, and its module debug files.
public struct KernelEntry: Sendable, Equatable {
    /// `uname -r` of the kernel.
    public var release: String
    public var arch: String?
    /// GNU build ID, lowercase hex, when the package says which it is.
    public var buildId: String?
    public var banner: String?
    /// Path of the vmlinux inside the package (as the package lists it), or the file itself for a loose vmlinux.
    public var vmlinuxPath: String
    public var vmlinuxSize: Int64?
    public var modules: [ModuleEntry]
}

/// A module debug file inside a package.
public struct ModuleEntry: Sendable, Equatable {
    /// Module name as the kernel reports it: `-` folded to `_`, no `.ko`/`.ko.debug`/`.ko.xz`.
    public var name: String
    public var path: String

    /// The module name for a file name such as `crash-fix.ko.debug`.
    public static func moduleName(fileName: String) -> String? {
        for suffix in [".ko.debug", ".ko.xz", ".ko.zst", ".ko.gz", ".ko"] where fileName.hasSuffix(suffix) {
            return String(fileName.dropLast(suffix.count)).replacingOccurrences(of: "-", with: "_")
        }
        return nil
    }
}

/// One file listed in a package's header.
public struct PackageFile: Sendable, Equatable {
    public var path: String
    /// st_mode bits (type and permissions), 0 when the package does not say.
    public var mode: UInt32
    public var size: Int64?
    public var linkTarget: String?

    public var isSymlink: Bool { mode & 0o170000 == 0o120000 }
}

/// A package that could not be read: the index reports it and goes on.
extension PackageContents {
    /// Why a kernel of this package cannot be indexed safely: a member path that would leave the cache
    /// (`..`, control characters), a release that is not one path component, a build ID that is not hex.
    public var pathProblem: String? {
        for kernel in kernels {
            if kind != .vmlinux, SafePath.memberComponents(kernel.vmlinuxPath) == nil {
                return "unsafe member path '\(Escaped.text(kernel.vmlinuxPath))' (it would leave the cache); skipped"
            }
            if !SafePath.isComponent(kernel.release) {
                return "unsafe kernel release '\(Escaped.text(kernel.release))'; skipped"
            }
            if let buildId = kernel.buildId, !SafePath.isBuildId(buildId) {
                return "build ID '\(Escaped.text(buildId))' is not hexadecimal; skipped"
            }
            if let bad = kernel.modules.first(where: { SafePath.memberComponents($0.path) == nil }) {
                return "unsafe member path '\(Escaped.text(bad.path))' (it would leave the cache); skipped"
            }
        }
        return nil
    }
}

public enum PackageError: CASError, Equatable {
    case unreadable(String, String)
    case corrupt(String, String)

    public var description: String {
        switch self {
        case .unreadable(let path, let why): "\(path): cannot read: \(why)"
        case .corrupt(let path, let why): "\(path): \(why)"
        }
    }

    public var exitStatus: ExitStatus { .badInput }
}

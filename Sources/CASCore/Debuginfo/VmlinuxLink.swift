import Foundation

/// Where a job links its debug vmlinux: at the path the vmlinux has inside its package
/// (`usr/lib/debug/lib/modules/<release>/vmlinux` for an RPM or deb), or at that standard path for a loose
/// vmlinux or one fetched from debuginfod; a link into the `debugs` cache.
public enum VmlinuxLink {
    /// Why the link could not be made; the job cannot run crash without it.
    public struct Failure: CASError, Equatable {
        public var path: String
        public var reason: String
        public var description: String { "cannot create \(path): \(reason)" }
        public var exitStatus: ExitStatus { .cannotWrite }
    }

    /// The link's path relative to the job directory. `inPackage` is the vmlinux's path inside its package
    /// (nil for a debuginfod fetch), `packageKind` the index's kind (`vmlinux` for a loose file).
    ///
    /// A path from a package chooses where the link goes only after it is checked to stay in the job.
    public static func path(
        inPackage: String?, packageKind: String?, package: String?, release: String, jobDirectory: String
    ) throws(Failure) -> String
    {
        var inPackage = inPackage ?? ""
        let standard = inPackage.contains("/usr/lib/debug/") || inPackage.hasPrefix("usr/lib/debug/")
        if packageKind == PackageContents.Kind.vmlinux.rawValue || !standard {
            guard SafePath.isComponent(release) else {
                throw Failure(path: jobDirectory + "/usr/lib/debug/lib/modules", reason: "unsafe release '\(release)'")
            }
            inPackage = "usr/lib/debug/lib/modules/\(release)/vmlinux"
        }
        guard let components = SafePath.memberComponents(inPackage) else {
            throw Failure(path: jobDirectory, reason: "unsafe vmlinux path '\(inPackage)' in \(package ?? "-")")
        }
        return components.joined(separator: "/")
    }

    /// Makes `<jobDirectory>/<relative>` (and the folders above it) a symlink to `target`.
    public static func link(_ target: String, at relative: String, in jobDirectory: String) throws(Failure) {
        let link = jobDirectory + "/" + relative
        do {
            try FileManager.default.createDirectory(
                atPath: (link as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        } catch {
            throw Failure(path: link, reason: (error as NSError).localizedDescription)
        }
    }
}

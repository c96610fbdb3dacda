import Foundation

/// Finds the kernels in a package's file list, by the paths the distributions use.
enum KernelLocator {
    /// RPM layout: `…/lib/modules/<release>/vmlinux`, modules below it, build ID from the
    /// `/usr/lib/debug/.build-id/xx/yyyy[.debug]` symlink whose target resolves to the vmlinux.
    static func rpmKernels(_ files: [PackageFile], arch: String?) -> [KernelEntry] {
        var kernels: [KernelEntry] = []
        var byRelease: [String: Int] = [:]
        for file in files where file.path.hasSuffix("/vmlinux") && !file.isSymlink {
            guard let release = releaseUnderModules(file.path), file.path.hasSuffix("/lib/modules/\(release)/vmlinux")
            else { continue }
            byRelease[release] = kernels.count
            kernels.append(
                KernelEntry(
                    release: release, arch: arch, buildId: nil, banner: nil, vmlinuxPath: file.path,
                    vmlinuxSize: file.size, modules: []))
        }
        guard !kernels.isEmpty else { return [] }
        let byPath = Dictionary(kernels.indices.map { (kernels[$0].vmlinuxPath, $0) }, uniquingKeysWith: { a, _ in a })
        for file in files {
            if file.isSymlink, let target = file.linkTarget, let id = buildId(fromPath: file.path) {
                // The link names either the debug file itself or the runtime file it is the debug info of.
                let resolved = resolve(target, relativeTo: file.path)
                let plain = resolved.hasSuffix(".debug") ? String(resolved.dropLast(6)) : resolved
                let match = [resolved, plain, "/usr/lib/debug" + plain].lazy.compactMap { byPath[$0] }.first
                if let k = match, kernels[k].buildId == nil { kernels[k].buildId = id }
            } else if !file.isSymlink, let release = releaseUnderModules(file.path), let k = byRelease[release],
                let name = ModuleEntry.moduleName(fileName: (file.path as NSString).lastPathComponent)
            {
                kernels[k].modules.append(ModuleEntry(name: name, path: file.path))
            }
        }
        return kernels
    }

    /// Debian/Ubuntu layout: `usr/lib/debug/boot/vmlinux-<release>` or `usr/lib/debug/lib/modules/<release>/vmlinux`.
    /// A `.build-id` path names the vmlinux's build ID only when it is the package's only one and no module is listed.
    static func debKernels(_ paths: [String], arch: String?) -> [KernelEntry] {
        var kernels: [KernelEntry] = []
        var byRelease: [String: Int] = [:]
        var buildIds: Set<String> = []
        var modules: [(String, ModuleEntry)] = []
        for raw in paths {
            let path = raw.hasPrefix("/") ? raw : "/" + raw
            if let range = path.range(of: "/usr/lib/debug/boot/vmlinux-"), range.upperBound < path.endIndex,
                !path[range.upperBound...].contains("/")
            {
                let release = String(path[range.upperBound...])
                if byRelease[release] == nil {
                    byRelease[release] = kernels.count
                    kernels.append(KernelEntry(release: release, arch: arch, vmlinuxPath: path, modules: []))
                }
            } else if path.hasSuffix("/vmlinux"), let release = releaseUnderModules(path),
                path.hasSuffix("/lib/modules/\(release)/vmlinux")
            {
                if byRelease[release] == nil {
                    byRelease[release] = kernels.count
                    kernels.append(KernelEntry(release: release, arch: arch, vmlinuxPath: path, modules: []))
                }
            } else if let id = buildId(fromPath: path) {
                buildIds.insert(id)
            } else if let release = releaseUnderModules(path),
                let name = ModuleEntry.moduleName(fileName: (path as NSString).lastPathComponent)
            {
                modules.append((release, ModuleEntry(name: name, path: path)))
            }
        }
        for (release, module) in modules { if let k = byRelease[release] { kernels[k].modules.append(module) } }
        if kernels.count == 1, buildIds.count == 1, modules.isEmpty { kernels[0].buildId = buildIds.first }
        return kernels
    }

    /// True for the paths `debKernels` takes for a vmlinux (`usr/lib/debug/boot/vmlinux-<release>`,
    /// `…/lib/modules/<release>/vmlinux`), relative or absolute.
    static func isDebVmlinux(_ raw: String) -> Bool {
        let path = raw.hasPrefix("/") ? raw : "/" + raw
        if let range = path.range(of: "/usr/lib/debug/boot/vmlinux-"), range.upperBound < path.endIndex {
            return !path[range.upperBound...].contains("/")
        }
        guard path.hasSuffix("/vmlinux"), let release = releaseUnderModules(path) else { return false }
        return path.hasSuffix("/lib/modules/\(release)/vmlinux")
    }

    /// The `<release>` of a path `…/lib/modules/<release>/…`.
    static func releaseUnderModules(_ path: String) -> String? {
        guard let range = path.range(of: "/lib/modules/") else { return nil }
        let rest = path[range.upperBound...]
        guard let slash = rest.firstIndex(of: "/"), slash > rest.startIndex else { return nil }
        return String(rest[..<slash])
    }

    /// `xxyyyy…` from `…/.build-id/xx/yyyy…[.debug]`, lowercase hex, or nil.
    static func buildId(fromPath path: String) -> String? {
        let parts = path.split(separator: "/")
        guard parts.count >= 3, parts[parts.count - 3] == ".build-id" else { return nil }
        var name = String(parts[parts.count - 1])
        if name.hasSuffix(".debug") { name = String(name.dropLast(6)) }
        let id = (String(parts[parts.count - 2]) + name).lowercased()
        let hex = id.allSatisfy { $0.isHexDigit }
        return hex && id.count >= 16 && parts[parts.count - 2].count == 2 ? id : nil
    }

    /// `target` of a symlink at `linkPath`, made absolute and normalised.
    static func resolve(_ target: String, relativeTo linkPath: String) -> String {
        let base = target.hasPrefix("/") ? [] : linkPath.split(separator: "/").dropLast().map(String.init)
        var out: [String] = base
        for part in target.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !out.isEmpty { out.removeLast() } } else { out.append(String(part)) }
        }
        return "/" + out.joined(separator: "/")
    }
}

extension KernelEntry {
    init(release: String, arch: String?, vmlinuxPath: String, modules: [ModuleEntry]) {
        self.init(
            release: release, arch: arch, buildId: nil, banner: nil, vmlinuxPath: vmlinuxPath, vmlinuxSize: nil,
            modules: modules)
    }
}

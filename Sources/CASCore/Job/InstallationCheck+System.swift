import Foundation

/// The checks of the host around CAS: mounts, the purge schedule, the crash program against the kernels.
extension InstallationCheck {
    /// Where the host's own files are read (a test points them at a temporary tree).
    public struct SystemFiles: Sendable {
        public var fstab: String
        public var mountinfo: String
        /// `make install` puts the cron file here (where systemd is absent, or with CRON=1).
        public var cronFile: String
        /// The link `systemctl enable cas-purge.timer` makes.
        public var enabledTimer: String

        public init(root: String = "") {
            fstab = root + "/etc/fstab"
            mountinfo = root.isEmpty ? "/proc/self/mountinfo" : root + "/proc/self/mountinfo"
            cronFile = root + "/etc/cron.d/cas"
            enabledTimer = root + "/etc/systemd/system/timers.target.wants/cas-purge.timer"
        }
    }

    /// An error line when `path` lies on a file system /etc/fstab names that is not mounted: an unmounted
    /// share looks like an empty directory, and indexing it would drop every package.
    static func unmountedMountPoint(_ path: String, system: SystemFiles) -> String? {
        guard let fstab = try? String(contentsOfFile: system.fstab, encoding: .utf8),
            let mountinfo = try? String(contentsOfFile: system.mountinfo, encoding: .utf8)
        else { return nil }
        guard let point = unmountedMountPoint(path, fstab: fstab, mountinfo: mountinfo) else {
            return nil
        }
        return
            "\(path): \(point) is a mount point in \(system.fstab) but is not mounted, so the packages are not "
            + "there (mount \(point); cas-admin -b on it would find none)"
    }

    /// The deepest mount point of `path` (itself or a directory above it) listed in `fstab` and absent from
    /// `mountinfo` (the format of /proc/self/mountinfo), nil when every listed one is mounted.
    public static func unmountedMountPoint(_ path: String, fstab: String, mountinfo: String)
        -> String?
    {
        var listed: Set<String> = []
        for line in fstab.split(whereSeparator: \.isNewline) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, !fields[0].hasPrefix("#"), fields[1].hasPrefix("/") else { continue }
            listed.insert(normalized(unescapeMountPath(String(fields[1]))))
        }
        var mounted: Set<String> = []
        for line in mountinfo.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: " ")
            if fields.count >= 5 { mounted.insert(normalized(unescapeMountPath(String(fields[4])))) }
        }
        var current = normalized(path)
        while true {
            if listed.contains(current) { return mounted.contains(current) ? nil : current }
            if current == "/" { return nil }
            current = (current as NSString).deletingLastPathComponent
            if current.isEmpty { return nil }
        }
    }

    /// fstab and mountinfo write a space as `\040`, a tab `\011`, a newline `\012`, a backslash `\134`.
    static func unescapeMountPath(_ text: String) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "\\"), index + 3 < utf8.count,
                let value = UInt8(
                    String(decoding: utf8[(index + 1)...(index + 3)], as: UTF8.self), radix: 8)
            {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The path without a trailing slash (and "/" for the root).
    static func normalized(_ path: String) -> String {
        var result = path
        while result.count > 1, result.hasSuffix("/") { result.removeLast() }
        return result
    }

    /// A warning when both an active cron file and an enabled systemd timer run the purge.
    static func purgeScheduledTwice(system: SystemFiles) -> String? {
        var st = stat()
        guard lstat(system.enabledTimer, &st) == 0,
            let cron = try? String(contentsOfFile: system.cronFile, encoding: .utf8),
            cron.split(whereSeparator: \.isNewline).contains(where: { line in
                let text = line.trimmingCharacters(in: .whitespaces)
                return !text.hasPrefix("#") && text.contains("cas-admin")
            })
        else { return nil }
        return "purge runs twice: \(system.cronFile) is active and cas-purge.timer is enabled "
            + "(rm \(system.cronFile), or systemctl disable --now cas-purge.timer)"
    }

    /// The crash program and the version it reports.
    static func crash(_ name: String, _ program: String) async -> (Item, String?) {
        guard let path = findExecutable(program) else {
            return (
                Item(
                    name: name, status: .error,
                    detail:
                        "'\(program)' not found or not executable (install the crash package or set [advanced] \(name))"
                ),
                nil
            )
        }
        guard let version = await crashVersion(path) else {
            return (
                Item(
                    name: name, status: .warning, detail: "\(path): did not report a version with --version"),
                nil
            )
        }
        return (Item(name: name, status: .ok, detail: "\(path) (crash \(version))"), version)
    }

    /// One warning per kernel change the local crash cannot follow, naming the indexed kernels that carry it.
    static func crashAgainstKernels(_ version: String, _ kernels: [IndexedKernel]) -> [Item] {
        var affected: [(CrashCompatibility.Problem, [String])] = []
        for release in Set(kernels.map(\.release)).sorted() {
            for problem in CrashCompatibility.problems(crashVersion: version, kernelRelease: release) {
                if let index = affected.firstIndex(where: { $0.0.change == problem.change }) {
                    affected[index].1.append(release)
                } else {
                    affected.append((problem, [release]))
                }
            }
        }
        return affected.map { problem, releases in
            let shown = releases.prefix(3).joined(separator: ", ") + (releases.count > 3 ? ", …" : "")
            return Item(
                name: "crash", status: .warning,
                detail: problem.description(crashVersion: version)
                    + " (\(releases.count) indexed kernel\(releases.count == 1 ? "" : "s"): \(shown))")
        }
    }
}

import CASCore
import CASTestSupport
import Foundation

/// Trees for the attack suite: the job world of ``JobWorld``, run either with the casuser root (no switch)
/// or, when the tests run as root, with a non-root casuser made for the test (`cas` drops to it).
enum AttackWorld {
    /// Who the jobs run as.
    enum Casuser: String, CaseIterable, CustomStringConvertible {
        case root, dedicated
        var description: String { rawValue }
    }

    /// A non-root user for the suite, created once (root and useradd needed), nil where it cannot be made.
    static let dedicatedUser: String? = {
        guard geteuid() == 0, findExecutable("useradd") != nil else { return nil }
        let name = "casatk\(getpid() % 100000)"
        guard (try? TestTools.sh("useradd --system --no-create-home --shell /usr/sbin/nologin \"$0\"", name)) != nil
        else { return nil }
        atexit { _ = try? TestTools.sh("userdel \"$0\" 2>/dev/null", AttackWorld.dedicatedUser ?? "") }
        return name
    }()

    /// The casusers to run the cases as on this machine: root only when tests do not run as root.
    static var casusers: [Casuser] { dedicatedUser == nil ? [] : Casuser.allCases }

    /// An indexed tree whose jobs run as `casuser`: everything but the configuration (and the directory
    /// holding it) belongs to that user (root reads only a configuration of its own).
    static func tree(_ casuser: Casuser, extra: String = "") throws -> String {
        let base = try JobWorld.tree(extra: extra)
        if casuser == .dedicated, let user = dedicatedUser { try give(base, to: user) }
        try FileManager.default.createDirectory(atPath: base + "/uploads", withIntermediateDirectories: true)
        if casuser == .dedicated, let user = dedicatedUser { try TestTools.sh("chown \"$0\" \"$1\"", user, base + "/uploads") }
        return base
    }

    /// Makes `user` the casuser of the tree at `base` (a ``JobWorld/tree(indexed:extra:)``): its contents
    /// become the user's, while the configuration and the directory holding it stay root's (root reads only
    /// a configuration of its own); the database moves into a directory of the user's (SQLite makes its
    /// WAL files beside it).
    static func give(_ base: String, to user: String) throws {
        try Robustness.configure(base, "")
        var conf = JobWorld.read(base + "/cas.conf")
        conf = conf.replacingOccurrences(of: "[settings]\n", with: "[settings]\ncasuser = \(user)\n")
        conf = conf.replacingOccurrences(of: "database = \(base)/cas.db", with: "database = \(base)/state/cas.db")
        try conf.write(toFile: base + "/cas.conf", atomically: true, encoding: .utf8)
        try TestTools.sh(
            "cd \"$1\" && mkdir -p debugs state && mv cas.db* state/ && chown -R \"$0\" kernels work debugs state"
                + " && chmod 0755 .", user, base)
    }

    /// Gives `path` to the tree's casuser (uploads land as the casuser on shared storage).
    static func own(_ path: String, _ casuser: Casuser) throws {
        if casuser == .dedicated, let user = dedicatedUser { try TestTools.sh("chown -R \"$0\" \"$1\"", user, path) }
    }

    /// What identifies a file's content and inode, to show an upload was never written.
    struct Fingerprint: Equatable {
        var sha256: String
        var inode: UInt64
        var size: Int64
        var mtime: Int

        init(_ path: String) throws {
            sha256 = try TestTools.sh("sha256sum < \"$0\"", path)
            var st = stat()
            guard stat(path, &st) == 0 else { throw TestFailure("\(path): cannot stat") }
            (inode, size, mtime) = (UInt64(st.st_ino), Int64(st.st_size), st.st_mtim.tv_sec)
        }
    }

    /// The only job directory of `caseId`.
    static func job(_ base: String, _ caseId: String) throws -> String {
        let dirs = Robustness.jobDirectories(base, caseId)
        guard dirs.count == 1 else { throw TestFailure("\(caseId): \(dirs.count) job directories") }
        return dirs[0]
    }

    /// Every path under `/tmp` whose name holds `marker` (an attack aimed outside the tree).
    static func strays(_ marker: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []).filter { $0.contains(marker) }
    }

    /// A copy of `dump` whose kernel release, everywhere it appears (the header's utsname, VMCOREINFO's
    /// `OSRELEASE=`, the kernel's own `init_uts_ns` and banner in uncompressed memory), is replaced by
    /// `release` of the same length, so every offset and size stays right: a dump as an attacker would forge it.
    static func dumpWithRelease(_ dump: String, _ release: String, to path: String) throws {
        let script = """
            import sys
            data = open(sys.argv[1], 'rb').read()
            old, new = sys.argv[3].encode(), sys.argv[2].encode('latin-1')
            assert len(old) == len(new) and data.count(old) >= 1, (old, new, data.count(old))
            open(sys.argv[4], 'wb').write(data.replace(old, new))
            """
        try TestTools.sh("python3 -c \"$0\" \"$1\" \"$2\" \"$3\" \"$4\"", script, dump, release, JobWorld.release, path)
    }
}

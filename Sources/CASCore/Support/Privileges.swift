import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Process-wide safety before a command touches anything: a umask that never yields group- or world-writable
/// files, and, when started as root, the switch to the configured `casuser`.
public enum Privileges {
    /// Adds `022` to the process umask (keeps a stricter one), so directories and files created without an
    /// explicit mode are never group- or world-writable. Returns the umask now in force.
    @discardableResult
    public static func restrictUmask() -> mode_t {
        let current = umask(0o022)
        let wanted = current | 0o022
        umask(wanted)
        return wanted
    }

    /// When running as root and `user` names another account: sets the supplementary groups (`initgroups`),
    /// the group, then the user (as root, `setgid`/`setuid` set the real, effective and saved ids), and checks
    /// root cannot be regained.
    /// Does nothing when not root or when `user` is root. Returns true when it switched.
    @discardableResult
    public static func dropRoot(to user: String) throws(PrivilegeError) -> Bool {
        guard geteuid() == 0, !user.isEmpty, user != "root" else { return false }
        guard let entry = getpwnam(user) else { throw .unknownUser(user) }
        let uid = entry.pointee.pw_uid
        let gid = entry.pointee.pw_gid
        guard uid != 0 else { return false }
        guard initgroups(user, gid) == 0 else { throw .cannotSwitch(user, "initgroups", errno) }
        guard setgid(gid) == 0 else { throw .cannotSwitch(user, "setgid", errno) }
        guard setuid(uid) == 0 else { throw .cannotSwitch(user, "setuid", errno) }
        guard setuid(0) != 0, geteuid() == uid, getegid() == gid else {
            throw .cannotSwitch(user, "still able to regain root", 0)
        }
        if let home = entry.pointee.pw_dir { setenv("HOME", String(cString: home), 1) }
        setenv("USER", user, 1)
        setenv("LOGNAME", user, 1)
        return true
    }
}

/// Why `cas` could not switch from root to the casuser.
public enum PrivilegeError: CASError, Equatable {
    case unknownUser(String)
    case cannotSwitch(String, String, Int32)

    public var description: String {
        switch self {
        case .unknownUser(let user): "casuser '\(user)' is not a user on this host (check [settings] casuser)"
        case .cannotSwitch(let user, let step, let code):
            "cannot switch to casuser '\(user)': \(step) failed\(code == 0 ? "" : ": " + String(cString: strerror(code)))"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .unknownUser: .configuration
        case .cannotSwitch: .failure
        }
    }
}

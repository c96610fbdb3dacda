import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Process-wide safety before a command touches anything: a umask that never yields group- or world-writable
/// files, and, when started as root, the switch to the configured `casuser`.
public enum Privileges {
    /// Adds `022` to the process umask (keeps a stricter one), so directories and files created without an
    /// explicit mode are never group- or world-writable. Returns the umask now in force.
    ///
    /// `groupReadable` (the team model, `[settings] analysts`): also takes every permission from others and
    /// leaves the group read and search, so the analysts' group can read what a job writes even when the
    /// umask inherited (through sudo, say) is 077: files 0640, directories 0750.
    @discardableResult
    public static func restrictUmask(groupReadable: Bool = false) -> mode_t {
        let current = umask(0o022)
        let wanted = groupReadable ? (current | 0o027) & ~0o050 : current | 0o022
        umask(wanted)
        return wanted
    }

    /// Refuses to go on when this process is neither root nor `casuser`: a job's files, the database and
    /// the cache belong to the casuser, and analysts start jobs through `sudo -u CASUSER cas …`.
    public static func requireCasuser(_ casuser: String) throws(PrivilegeError) {
        guard geteuid() != 0 else { return }
        let current = FileKind.userName(geteuid())
        guard current != casuser else { return }
        throw .notCasuser(current: current, casuser: casuser)
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
    case notCasuser(current: String, casuser: String)

    public var description: String {
        switch self {
        case .unknownUser(let user): "casuser '\(user)' is not a user on this host (check [settings] casuser)"
        case .cannotSwitch(let user, let step, let code):
            "cannot switch to casuser '\(user)': \(step) failed\(code == 0 ? "" : ": " + String(cString: strerror(code)))"
        case .notCasuser(let current, let casuser):
            "jobs run as the casuser \(casuser), not as \(current): start it as `sudo -u \(casuser) cas -i ID -f FILE` "
                + "(members of the analysts' group may; see the README, \"Set up for a team\")"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .unknownUser: .configuration
        case .cannotSwitch: .failure
        case .notCasuser: .configuration
        }
    }
}

import Foundation

/// Small file-system facts the stages need.
public enum FileSystem {
    /// Bytes available to this user on the file system holding `path`.
    public static func freeBytes(_ path: String) -> Int64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    /// The size of a regular file, nil when it cannot be statted.
    public static func size(_ path: String) -> Int64? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int64(st.st_size)
    }

    /// The absolute path of the running executable (`/proc/self/exe`), else `argv[0]`.
    public static func executablePath() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return CommandLine.arguments[0]
    }
}

/// Why a path cannot be read as a regular file, checked before anything opens it (a FIFO would block an
/// `open`, a device would be read for ever).
public enum FileKind {
    /// nil for a readable regular file; else "no such file", "is a directory", "is a FIFO, not a regular
    /// file", "not readable by USER"…
    public static func problem(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return String(cString: strerror(errno)).lowercased() }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return "is a directory, not a dump file"
        case S_IFIFO: return "is a FIFO, not a regular file"
        case S_IFCHR, S_IFBLK: return "is a device, not a regular file"
        case S_IFSOCK: return "is a socket, not a regular file"
        default: return "not a regular file"
        }
        guard access(path, R_OK) == 0 else { return "not readable by \(userName(geteuid()))" }
        return nil
    }

    /// The name of user `uid`, or `uid N` when it has none.
    public static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return String(cString: name)
    }

    /// "owned by cas:casanalysts, mode 0640" (without `group`: "owned by cas, mode 0640"), for messages that
    /// name who may change a file.
    public static func ownership(_ st: stat, group: Bool = true) -> String {
        let owner = userName(st.st_uid) + (group ? ":" + groupName(st.st_gid) : "")
        return "owned by \(owner), mode 0\(String(st.st_mode & 0o7777, radix: 8))"
    }

    /// The name of group `gid`, or `gid N` when it has none.
    public static func groupName(_ gid: gid_t) -> String {
        guard let entry = getgrgid(gid), let name = entry.pointee.gr_name else { return "gid \(gid)" }
        return String(cString: name)
    }
}

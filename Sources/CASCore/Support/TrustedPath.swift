import Foundation

/// sshd's StrictModes: a file root reads for its configuration, or a program root runs, must belong to
/// root and be writable by nobody else, and so must every directory above it; otherwise whoever can write
/// it chooses what root does. The same rule, with the casuser as a second trusted owner, keeps a job's
/// directory chain out of other users' hands. A sticky directory such as `/tmp` is allowed: nobody else
/// can rename or remove the entries of its trusted owners.
public enum TrustedPath {
    /// Why `path` cannot be trusted, or nil when it and every directory above it (both as written and
    /// after resolving links) are owned by one of `owners` and not writable by group or others.
    /// `stickyTarget` accepts a sticky directory at `path` itself (a work directory shared by a team).
    public static func problem(_ path: String, owners: Set<uid_t> = [0], stickyTarget: Bool = false) -> String? {
        guard let resolved = realpath(path, nil) else {
            return String(cString: strerror(errno)).lowercased()
        }
        let real = String(cString: resolved)
        free(resolved)
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        // The path as written (its links are entries of directories that must be trusted too), then resolved.
        for chain in [ancestors(of: absolute), ancestors(of: real)] {
            for current in chain {
                var st = stat()
                guard lstat(current, &st) == 0 else {
                    return "\(current): \(String(cString: strerror(errno)).lowercased())"
                }
                if st.st_mode & S_IFMT == S_IFLNK { continue }
                let isTarget = current == real
                let which = isTarget ? "" : "its directory \(current) "
                if !owners.contains(st.st_uid) {
                    let trusted = owners.sorted().map { FileKind.userName($0) }.joined(separator: " or ")
                    return "\(which)is owned by \(FileKind.userName(st.st_uid)), not \(trusted)"
                }
                let sticky = (!isTarget || stickyTarget) && st.st_mode & S_ISVTX != 0
                if st.st_mode & 0o022 != 0 && !sticky {
                    let who = st.st_mode & 0o002 != 0 ? "others" : "its group"
                    return "\(which)is writable by \(who) (mode \(String(st.st_mode & 0o7777, radix: 8)))"
                }
            }
        }
        return nil
    }

    /// `path` and the directories above it, deepest first.
    private static func ancestors(of path: String) -> [String] {
        var result: [String] = []
        var current = path
        while true {
            result.append(current)
            if current == "/" || current.isEmpty { break }
            current = (current as NSString).deletingLastPathComponent
            if current.isEmpty { current = "/" }
        }
        return result
    }
}

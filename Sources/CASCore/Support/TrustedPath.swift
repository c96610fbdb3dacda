import Foundation

/// sshd's StrictModes for a process started as root: a file root reads for its configuration, or a program
/// root has run, must belong to root and be writable by nobody else, and so must every directory above it.
/// Otherwise whoever can write it chooses what root does. A sticky directory such as `/tmp` is allowed
/// above it: nobody else can rename or remove root's entries there.
public enum TrustedPath {
    /// Why root must not trust `path` (after resolving links), or nil when it and every directory above
    /// it are owned by root and not writable by group or others.
    public static func problem(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else {
            return String(cString: strerror(errno)).lowercased()
        }
        let real = String(cString: resolved)
        free(resolved)
        var current = real
        while true {
            var st = stat()
            guard stat(current, &st) == 0 else { return "\(current): \(String(cString: strerror(errno)).lowercased())" }
            let which = current == real ? "" : "its directory \(current) "
            if st.st_uid != 0 { return "\(which)is owned by \(FileKind.userName(st.st_uid)), not root" }
            // A sticky directory (/tmp) lets nobody else rename or remove root's entries in it.
            let sticky = current != real && st.st_mode & S_ISVTX != 0
            if st.st_mode & 0o022 != 0 && !sticky {
                let who = st.st_mode & 0o002 != 0 ? "others" : "its group"
                return "\(which)is writable by \(who) (mode \(String(st.st_mode & 0o7777, radix: 8)))"
            }
            if current == "/" { return nil }
            current = (current as NSString).deletingLastPathComponent
            if current.isEmpty { current = "/" }
        }
    }
}

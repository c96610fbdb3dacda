import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What another user (the casuser, seen from root or an admin's shell) may do with a path, computed from
/// the owners and modes of the path and every directory above it, for the user's id and all its groups.
///
/// Nothing is opened or created, and no process switches user. ACLs are not read: where a file system grants
/// more through an ACL, the answer errs on the side of "cannot".
public struct UserAccess: Sendable {
    /// What is asked of the path itself (every directory above it needs search permission).
    public struct Need: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let read = Need(rawValue: 4)
        public static let write = Need(rawValue: 2)
        public static let search = Need(rawValue: 1)
    }

    public let user: String
    public let uid: uid_t
    public let gid: gid_t
    /// The primary group and every supplementary group (as `initgroups` would set them).
    public let groups: Set<gid_t>

    /// The access of `user`, nil when no such user exists.
    public init?(user: String) {
        guard let entry = getpwnam(user) else { return nil }
        self.user = user
        uid = entry.pointee.pw_uid
        gid = entry.pointee.pw_gid
        var count: Int32 = 64
        var list = [gid_t](repeating: 0, count: Int(count))
        while getgrouplist(user, gid, &list, &count) < 0 {
            list = [gid_t](repeating: 0, count: Int(count) + 64)
            count = Int32(list.count)
        }
        groups = Set(list.prefix(Int(count))).union([gid])
    }

    /// Why the user cannot do `need` on `path` (or reach it), nil when it can. The answer names the
    /// directory or file in the way, its owner, group and mode.
    public func problem(_ path: String, needs need: Need) -> Problem? {
        if uid == 0 { return nil }
        // The directories that matter are those of the real path (a link's own directory is only read).
        var real = path
        if let resolved = realpath(path, nil) {
            real = String(cString: resolved)
            free(resolved)
        }
        let components = real.split(separator: "/").map(String.init)
        var current = ""
        for (index, component) in ([""] + components).enumerated() {
            current = index == 0 ? "/" : (current == "/" ? "/" : current + "/") + component
            var st = stat()
            guard stat(current, &st) == 0 else {
                return Problem(
                    path: current, kind: .unknown(String(cString: strerror(errno)).lowercased()), mode: 0)
            }
            let isTarget = index == components.count
            let wanted = isTarget ? need : .search
            let bits = permissions(st)
            if !bits.isSuperset(of: wanted) {
                return Problem(
                    path: current, kind: isTarget ? .denied(wanted.subtracting(bits)) : .cannotEnter,
                    mode: st.st_mode & 0o7777, owner: FileKind.userName(st.st_uid),
                    group: FileKind.groupName(st.st_gid))
            }
        }
        return nil
    }

    /// The permission bits that apply to this user for a file with status `st`.
    func permissions(_ st: stat) -> Need {
        let mode = Int(st.st_mode)
        if st.st_uid == uid { return Need(rawValue: (mode >> 6) & 7) }
        if groups.contains(st.st_gid) { return Need(rawValue: (mode >> 3) & 7) }
        return Need(rawValue: mode & 7)
    }

    /// Why a path is out of the user's reach.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable {
            /// The path itself lacks these permissions.
            case denied(Need)
            /// A directory above the target cannot be searched.
            case cannotEnter
            /// The path (or a directory above it) could not be examined.
            case unknown(String)
        }

        public var path: String
        public var kind: Kind
        public var mode: mode_t
        public var owner = ""
        public var group = ""

        /// "cannot write /srv/cas/debugs (root:root, mode 755)".
        public var description: String {
            let what =
                switch kind {
                case .denied(let missing):
                    "cannot "
                        + [(Need.read, "read"), (Need.write, "write"), (Need.search, "enter")]
                        .filter { missing.contains($0.0) }.map(\.1).joined(separator: " or ") + " \(path)"
                case .cannotEnter: "cannot enter the directory \(path)"
                case .unknown(let reason): "cannot examine \(path): \(reason)"
                }
            if case .unknown = kind { return what }
            return what + " (\(owner):\(group), mode \(String(mode, radix: 8)))"
        }
    }
}

/// Checks on values read from dumps and packages before any path is built from them (DESIGN: nothing read
/// from a dump or a package chooses a path). A release, a build ID or a member path that fails is refused,
/// never cleaned up into something else.
public enum SafePath {
    /// True for one ordinary path component: 1–255 bytes of letters, digits and `._-+~`, not `.` or `..`.
    /// Kernel releases (`6.1.0-13-amd64`, `5.14.0-362.el9.x86_64+debug`) pass; `../x`, `a/b`, spaces,
    /// control characters and escape sequences do not.
    public static func isComponent(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 255, text != ".", text != ".." else { return false }
        return text.unicodeScalars.allSatisfy(isComponentScalar)
    }

    /// True for a GNU build ID as CAS keeps it: 2–128 lowercase hex digits, an even count.
    public static func isBuildId(_ text: String) -> Bool {
        (2...128).contains(text.utf8.count) && text.utf8.count % 2 == 0
            && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// The components of a member path from a package or archive (`/usr/lib/debug/…`, `./usr/…`, `usr/…`),
    /// or nil when it could leave the directory it is extracted into: a `..` component, a control
    /// character, or nothing left at all. `.` and empty components are dropped.
    public static func memberComponents(_ path: String) -> [String]? {
        var parts: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
            if part == ".." { return nil }
            if part.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) { return nil }
            parts.append(String(part))
        }
        return parts.isEmpty ? nil : parts
    }

    private static func isComponentScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-", "+", "~": true
        default: false
        }
    }
}

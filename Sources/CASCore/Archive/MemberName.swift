/// Names of archive members: which are safe to create under the job directory, and the names of
/// bare compressed streams.
public enum MemberName {
    /// Longest path and component Linux file systems accept.
    static let maxPath = 4095
    static let maxComponent = 255

    /// The components of `path` as a relative path inside the job directory, or why it is refused
    /// (absolute, `..`, empty, too long, control characters).
    public static func components(_ path: String) -> Result<[String], Refusal> {
        if path.hasPrefix("/") { return .failure(Refusal("absolute path")) }
        guard path.utf8.count <= maxPath else { return .failure(Refusal("path longer than \(maxPath) bytes")) }
        var parts: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { return .failure(Refusal("'..' component")) }
            if part.utf8.count > maxComponent {
                return .failure(Refusal("name component longer than \(maxComponent) bytes"))
            }
            if part.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
                return .failure(Refusal("control character in name"))
            }
            parts.append(String(part))
        }
        if parts.isEmpty { return .failure(Refusal("empty name")) }
        return .success(parts)
    }

    /// Whether a link at `path` pointing at `target` stays inside the directory it is unpacked in.
    public static func linkStaysInside(path: String, target: String, isHardlink: Bool) -> Bool {
        if target.hasPrefix("/") || target.isEmpty { return false }
        var stack: [Substring] = []
        if !isHardlink {
            stack = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }.dropLast()
        }
        for part in target.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if stack.popLast() == nil { return false }
            } else {
                stack.append(part)
            }
        }
        return true
    }

    /// `dir/vmcore.gz.bz2` without `layers` compression suffixes (`dir/vmcore`); the directory part is kept
    /// as is (it is checked by ``components(_:)`` like any other name); the last component is never empty.
    public static func strippingCompression(_ name: String, layers: Int) -> String {
        let suffixes = [
            ".gz", ".bz2", ".xz", ".lzma", ".zst", ".zstd", ".lz4", ".z", ".lz", ".lzo",
            ".tgz", ".tbz", ".tbz2", ".txz", ".tzst", ".zip", ".7z",
        ]
        let slash = name.lastIndex(of: "/").map { name.index(after: $0) } ?? name.startIndex
        let directory = String(name[..<slash])
        var base = String(name[slash...])
        for _ in 0..<layers {
            guard let suffix = suffixes.first(where: { base.lowercased().hasSuffix($0) }) else { break }
            let stripped = String(base.dropLast(suffix.count))
            if stripped.isEmpty { break }
            base = stripped
        }
        for suffix in [".tar", ".cpio"] where base.lowercased().hasSuffix(suffix) && base.count > suffix.count {
            base = String(base.dropLast(suffix.count))
        }
        return directory + (base.isEmpty ? "data" : base)
    }

    /// Why a name is refused.
    public struct Refusal: Error, Sendable {
        public let why: String
        init(_ why: String) { self.why = why }
    }
}

import Foundation

extension Purger {
    /// The cache entries (`release/key` under `debugs`) that a kept job links to: its vmlinux link (and any
    /// other link under its `usr/lib/debug`) points into the cache, so evicting the entry would break the job's
    /// `crash` wrapper. Kept jobs are those with a `NOPURGE` marker in their directory or their `<ID>/`.
    /// Running jobs hold a lock on their entry instead (``DirectoryLock``).
    func cacheEntriesLinkedByKeptJobs() -> Set<String> {
        guard !debugs.isEmpty else { return [] }
        let bases = Array(Set([debugs, Self.realPath(debugs)]))
        var keys: Set<String> = []
        guard let ids = try? work.names() else { return [] }
        for id in ids where !workProtected.contains(id) {
            guard let idStat = work.lstat(id), DirectoryFD.isDirectory(idStat), case .success(let idDirectory) = work.child(id),
                let names = try? idDirectory.names()
            else { continue }
            let idKept = idDirectory.has(Self.keepMarker)
            for name in names {
                guard let st = idDirectory.lstat(name), DirectoryFD.isDirectory(st),
                    case .success(let job) = idDirectory.child(name), idKept || job.has(Self.keepMarker)
                else { continue }
                for target in Self.links(under: job.path + "/usr/lib/debug") {
                    let absolute = target.hasPrefix("/") ? target : job.path + "/" + target
                    guard let key = Self.relative(absolute, to: bases) ?? Self.relative(Self.realPath(absolute), to: bases)
                    else { continue }
                    let parts = key.split(separator: "/")
                    if parts.count >= 2, !key.hasPrefix("/") { keys.insert(parts[0] + "/" + parts[1]) }
                }
            }
        }
        return keys
    }

    /// The targets of the symbolic links under `root` (not followed), at most `limit` entries looked at.
    static func links(under root: String, limit: Int = 10_000) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var targets: [String] = []
        var seen = 0
        while let relative = walker.nextObject() as? String, seen < limit {
            seen += 1
            let path = root + "/" + relative
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) { targets.append(target) }
        }
        return targets
    }
}

import Foundation

extension Purger {
    /// One entry of the `debugs` cache as found on disk.
    private struct CacheEntry {
        var candidate: PurgeCandidate
        var held: Bool
    }

    /// Picks the `debugs/<release>/<key>/` entries to evict: unused for `cacheDays`, then least recently
    /// used first while the cache exceeds `debugsLimit`; never one a running job holds or a NOPURGE job links to.
    func planCache(into plan: inout PurgePlan) throws(PurgeError) {
        var st = stat()
        guard !debugs.isEmpty, stat(debugs, &st) == 0, DirectoryFD.isDirectory(st) else { return }
        let root = try Self.checkedRoot("debugs", debugs)
        let cache = try DirectoryFD(path: root, followLink: true)
        let rows = try cacheRows(root)
        let linked = cacheEntriesLinkedByKeptJobs()
        var entries: [CacheEntry] = []
        for release in try cache.names().sorted() {
            guard !debugsProtected.contains(release), let releaseStat = cache.lstat(release),
                DirectoryFD.isDirectory(releaseStat), case .success(let releaseDirectory) = cache.child(release)
            else { continue }
            for name in try releaseDirectory.names().sorted() {
                let key = release + "/" + name
                guard !Self.isProtected(key, debugsProtected), let entryStat = releaseDirectory.lstat(name),
                    DirectoryFD.isDirectory(entryStat), case .success(let entry) = releaseDirectory.child(name)
                else { continue }
                var measure = TreeRemover(dryRun: true)
                _ = measure.removeDirectory(entry, name: name, in: releaseDirectory, st: entryStat)
                let row = rows[key]
                let candidate = PurgeCandidate(
                    kind: .cachedKernel, path: root + "/" + key, group: release, name: name,
                    since: row?.lastUsed ?? entryStat.modified, ageSource: row == nil ? .mtime : .record,
                    footprint: measure.counter.allocated, rowKey: row?.path)
                // Held: a running job locks it, or a NOPURGE job's vmlinux link points into it.
                entries.append(CacheEntry(candidate: candidate, held: linked.contains(key) || !entry.tryLockExclusive()))
            }
        }
        let cutoff = now.addingTimeInterval(-TimeInterval(cacheDays) * 86400)
        var kept: [CacheEntry] = []
        for entry in entries {
            if entry.candidate.since >= cutoff {
                kept.append(entry)
            } else if entry.held {
                plan.cacheInUse += 1
                kept.append(entry)
            } else {
                plan.cachedKernels.append(entry.candidate)
            }
        }
        guard let limit = debugsLimit else { return }
        var total = kept.reduce(Int64(0)) { $0 + $1.candidate.footprint }
        for entry in kept.sorted(by: {
            ($0.candidate.since, $0.candidate.path) < ($1.candidate.since, $1.candidate.path)
        })
        where total > limit {
            if entry.held {
                plan.cacheInUse += 1
                continue
            }
            plan.cachedKernels.append(entry.candidate)
            total -= entry.candidate.footprint
        }
    }

    /// The cache rows, by `release/key` relative to the cache root.
    private func cacheRows(_ root: String) throws(PurgeError) -> [String: CacheUse] {
        guard let store else { return [:] }
        let uses: [CacheUse]
        do {
            uses = try store.cacheUses()
        } catch {
            throw .cannotOpen(store.path, error.description)
        }
        let bases = Array(Set([root, Self.realPath(root)]))
        var rows: [String: CacheUse] = [:]
        for use in uses {
            if let key = Self.relative(use.path, to: bases) { rows[key] = use }
        }
        return rows
    }
}

import Foundation

extension Purger {
    /// Evicts the cache entries of `plan`, each under its exclusive lock, then their rows and empty release directories.
    func executeCache(_ plan: PurgePlan, remover: inout TreeRemover, report: inout PurgeReport) {
        guard !plan.cachedKernels.isEmpty else { return }
        let cache: DirectoryFD
        do {
            cache = try DirectoryFD(path: Self.checkedRoot("debugs", debugs), followLink: true)
        } catch {
            report.failures.append(error.description)
            report.incomplete.append(contentsOf: plan.cachedKernels)
            return
        }
        var rows: [String] = []
        var releases: [String: DirectoryFD] = [:]
        for candidate in plan.cachedKernels {
            let release: DirectoryFD
            if let open = releases[candidate.group] {
                release = open
            } else {
                switch cache.child(candidate.group) {
                case .success(let open): release = open
                case .failure(let error):
                    report.failures.append(error.description)
                    report.incomplete.append(candidate)
                    continue
                }
                releases[candidate.group] = release
            }
            let before = remover.counter.freed
            var candidate = candidate
            let outcome = remove(candidate, from: release, remover: &remover)
            candidate.freed = remover.counter.freed - before
            switch outcome {
            case .removed:
                report.removed.append(candidate)
                if let row = candidate.rowKey { rows.append(row) }
            case .running: report.cacheInUse += 1
            case .failed: report.incomplete.append(candidate)
            }
        }
        guard !report.dryRun else { return }
        for (name, release) in releases where (try? release.names())?.isEmpty == true {
            _ = cache.remove(name, directory: true)
        }
        if let error = deleteRows({ store throws(StoreError) in try store.deleteCacheEntries(paths: rows) }) {
            report.failures.append(error)
        }
    }
}

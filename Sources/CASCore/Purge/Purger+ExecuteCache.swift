import Foundation

extension Purger {
    /// Evicts the cache entries of `plan`, each under its exclusive lock, then their rows and empty
    /// release directories.
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
        let byRelease = Dictionary(grouping: plan.cachedKernels, by: \.group)
        for release in byRelease.keys.sorted() {
            guard let (group, removed) = removeGroup(
                byRelease[release] ?? [], named: release, under: cache, busy: \.cacheInUse, remover: &remover,
                report: &report)
            else { continue }
            rows += removed
            if !report.dryRun, (try? group.names())?.isEmpty == true { _ = cache.remove(release, directory: true) }
        }
        guard !report.dryRun else { return }
        if let error = deleteRows({ store throws(StoreError) in try store.deleteCacheEntries(paths: rows) }) {
            report.failures.append(error)
        }
    }
}

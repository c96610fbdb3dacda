import Foundation

extension Purger {
    /// Removes what `plan` selected; with `dryRun`, walks the same trees and counts without changing anything.
    ///
    /// Each job is locked exclusively before it is touched (a job that started since the plan is skipped
    /// as running). A removed job loses its row; its `<ID>` goes when empty, and `<ID>/latest` is pointed
    /// at the newest remaining job or removed. A file that cannot be removed is recorded and the rest goes on.
    public func execute(_ plan: PurgePlan, dryRun: Bool) -> PurgeReport {
        var report = PurgeReport(dryRun: dryRun)
        report.keptNoPurge = plan.keptNoPurge
        report.running = plan.running
        report.cacheInUse = plan.cacheInUse
        var remover = TreeRemover(dryRun: dryRun)
        var jobRows: [String] = []
        var touched: [String: DirectoryFD] = [:]
        for candidate in plan.jobs {
            let group: DirectoryFD
            if let open = touched[candidate.group] {
                group = open
            } else {
                switch work.child(candidate.group) {
                case .success(let open): group = open
                case .failure(let error):
                    report.failures.append(error.description)
                    report.incomplete.append(candidate)
                    continue
                }
                touched[candidate.group] = group
            }
            let before = remover.counter.freed
            var candidate = candidate
            let outcome = remove(candidate, from: group, remover: &remover)
            candidate.freed = remover.counter.freed - before
            switch outcome {
            case .removed:
                report.removed.append(candidate)
                if let row = candidate.rowKey { jobRows.append(row) }
            case .running: report.running += 1
            case .failed: report.incomplete.append(candidate)
            }
        }
        if !dryRun {
            for (id, group) in touched.sorted(by: { $0.key < $1.key }) { tidy(id, group, report: &report) }
            if let error = deleteRows({ store throws(StoreError) in try store.deleteJobs(directories: jobRows) }) {
                report.failures.append(error)
            }
        }
        executeCache(plan, remover: &remover, report: &report)
        report.failures.append(contentsOf: remover.failures)
        report.bytesFreed = remover.counter.freed
        return report
    }

    enum Outcome { case removed, running, failed }

    /// Removes one candidate directory from `group` under its exclusive lock.
    func remove(_ candidate: PurgeCandidate, from group: DirectoryFD, remover: inout TreeRemover) -> Outcome {
        guard let st = group.lstat(candidate.name) else { return errno == ENOENT ? .removed : .failed }
        guard DirectoryFD.isDirectory(st), case .success(let directory) = group.child(candidate.name) else {
            remover.failures.append("\(candidate.path): no longer a directory; left alone")
            return .failed
        }
        guard directory.tryLockExclusive() else { return .running }
        return remover.removeDirectory(directory, name: candidate.name, in: group, st: st) ? .removed : .failed
    }

    /// After removals in `<ID>`: fixes `latest`, and removes `<ID>` when nothing is left in it.
    private func tidy(_ id: String, _ group: DirectoryFD, report: inout PurgeReport) {
        _ = group.lock(exclusive: true, wait: true)  // as JobDirectory does while it points `latest`
        guard let names = try? group.names() else { return }
        let jobs = names.filter { name in group.lstat(name).map(DirectoryFD.isDirectory) ?? false }
        if let link = group.lstat("latest"), (link.st_mode & S_IFMT) == S_IFLNK {
            let target = group.readLink("latest").map { ($0 as NSString).lastPathComponent } ?? ""
            if jobs.isEmpty {
                _ = group.remove("latest", directory: false)
            } else if !jobs.contains(target), let newest = newestJob(jobs, in: group) {
                if !group.replaceLink("latest", target: newest) {
                    report.failures.append("\(group.path)/latest: cannot repoint: \(DirectoryFD.lastError())")
                }
            }
        }
        if (try? group.names())?.isEmpty == true, let error = work.remove(id, directory: true), error != ENOENT, error != ENOTEMPTY {
            report.failures.append("\(group.path): \(String(cString: strerror(error)))")
        }
    }

    /// The newest of the job directories `names`: by the time in the name (else mtime), then the `.N` suffix.
    private func newestJob(_ names: [String], in group: DirectoryFD) -> String? {
        func order(_ name: String) -> (Date, Int, String) {
            let date = JobStamp.date(name) ?? group.lstat(name)?.modified ?? .distantPast
            let parts = name.split(separator: ".")
            return (date, parts.count == 7 ? Int(parts[6]) ?? 0 : 1, name)
        }
        return names.max { order($0) < order($1) }
    }

    /// Runs a row deletion; the failure's line, if any.
    func deleteRows(_ body: (Store) throws(StoreError) -> Void) -> String? {
        guard let store else { return nil }
        do {
            try body(store)
            return nil
        } catch {
            return error.description
        }
    }
}

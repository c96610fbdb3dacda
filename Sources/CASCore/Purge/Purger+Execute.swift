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
        // One `<ID>` open at a time: the plan lists jobs ID by ID.
        for (id, candidates) in Self.grouped(plan.jobs) {
            guard let (group, rows) = removeGroup(
                candidates, named: id, under: work, busy: \.running, remover: &remover, report: &report)
            else { continue }
            jobRows += rows
            if !dryRun { tidy(id, group, report: &report) }
        }
        if !dryRun, let error = deleteRows({ store throws(StoreError) in try store.deleteJobs(directories: jobRows) }) {
            report.failures.append(error)
        }
        executeCache(plan, remover: &remover, report: &report)
        report.failures.append(contentsOf: remover.failures)
        report.bytesFreed = remover.counter.freed
        return report
    }

    /// `kept`: a NOPURGE appeared since the plan; `young`: its age no longer qualifies (mtime moved).
    enum Outcome { case removed, running, kept, young, failed }

    /// Opens `name` under `root` and removes `candidates` from it (a job's `<ID>`, a cache entry's release);
    /// returns the group and the row keys of what went, or nil when the group cannot be opened (recorded).
    /// A candidate still locked by a process counts in `busy`.
    func removeGroup(
        _ candidates: [PurgeCandidate], named name: String, under root: DirectoryFD,
        busy: WritableKeyPath<PurgeReport, Int>, remover: inout TreeRemover, report: inout PurgeReport
    ) -> (group: DirectoryFD, rows: [String])? {
        let group: DirectoryFD
        switch root.child(name) {
        case .success(let open): group = open
        case .failure(let error):
            report.failures.append(error.description)
            report.incomplete.append(contentsOf: candidates)
            return nil
        }
        var rows: [String] = []
        for candidate in candidates {
            let (outcome, done) = remove(candidate, from: group, remover: &remover)
            switch outcome {
            case .removed:
                report.removed.append(done)
                if let row = done.rowKey { rows.append(row) }
            case .running: report[keyPath: busy] += 1
            case .kept: report.keptNoPurge += 1
            case .young: break
            case .failed: report.incomplete.append(done)
            }
        }
        return (group, rows)
    }

    /// Consecutive runs of `candidates` with the same group, in order.
    static func grouped(_ candidates: [PurgeCandidate]) -> [(String, [PurgeCandidate])] {
        var result: [(String, [PurgeCandidate])] = []
        for candidate in candidates {
            if result.last?.0 == candidate.group {
                result[result.count - 1].1.append(candidate)
            } else {
                result.append((candidate.group, [candidate]))
            }
        }
        return result
    }

    /// Removes one candidate directory from `group` under its exclusive lock; the outcome, and the
    /// candidate with the bytes its removal freed.
    func remove(_ candidate: PurgeCandidate, from group: DirectoryFD, remover: inout TreeRemover)
        -> (Outcome, PurgeCandidate)
    {
        var candidate = candidate
        let before = remover.counter.freed
        guard let st = group.lstat(candidate.name) else {
            if errno == ENOENT { return (.removed, candidate) }
            remover.failures.append("\(candidate.path): \(DirectoryFD.lastError())")
            return (.failed, candidate)
        }
        guard DirectoryFD.isDirectory(st) else {
            remover.failures.append("\(candidate.path): no longer a directory; left alone")
            return (.failed, candidate)
        }
        let directory: DirectoryFD
        switch group.child(candidate.name) {
        case .success(let open): directory = open
        case .failure(let error):
            remover.failures.append(error.description)
            return (.failed, candidate)
        }
        guard directory.tryLockExclusive() else { return (.running, candidate) }
        // Checked again under the lock, right before removal: the plan may be minutes old (the [y/N] prompt,
        // a long cron run), and a person may have marked the job to keep or touched it since.
        if candidate.kind == .job {
            if group.has(Self.keepMarker) || directory.has(Self.keepMarker) { return (.kept, candidate) }
            if candidate.ageSource == .mtime, st.modified >= now.addingTimeInterval(-TimeInterval(days) * 86400) {
                return (.young, candidate)
            }
        }
        let gone = remover.removeDirectory(directory, name: candidate.name, in: group, st: st)
        candidate.freed = remover.counter.freed - before
        return (gone ? .removed : .failed, candidate)
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
        if (try? group.names())?.isEmpty == true, let error = work.remove(id, directory: true), error != ENOENT,
            error != ENOTEMPTY
        {
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

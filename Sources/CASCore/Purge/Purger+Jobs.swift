import Foundation

extension Purger {
    /// The marker file that keeps a job (in its directory) or every job of an ID (in `<ID>/`).
    public static let keepMarker = JobLayout.noPurge

    /// Classifies every job directory `<workDirectory>/<ID>/<name>/`: young, kept, running, or a candidate.
    func planJobs(into plan: inout PurgePlan) throws(PurgeError) {
        let cutoff = now.addingTimeInterval(-TimeInterval(days) * 86400)
        let rows = try jobRows()
        for id in try work.names().sorted() {
            guard !workProtected.contains(id), let idStat = work.lstat(id), DirectoryFD.isDirectory(idStat),
                case .success(let idDirectory) = work.child(id)
            else { continue }
            let idKept = idDirectory.has(Self.keepMarker)
            for name in try idDirectory.names().sorted() {
                guard !Self.isProtected(id + "/" + name, workProtected), let st = idDirectory.lstat(name),
                    DirectoryFD.isDirectory(st)
                else { continue }
                let key = id + "/" + name
                let since: Date
                let source: PurgeCandidate.AgeSource
                if let row = rows[key] {
                    (since, source) = (row.startedAt, .record)
                } else if let stamped = JobStamp.date(name) {
                    (since, source) = (stamped, .name)
                } else {
                    (since, source) = (st.modified, .mtime)
                }
                guard since < cutoff else { continue }
                guard case .success(let job) = idDirectory.child(name) else { continue }
                if idKept || job.has(Self.keepMarker) {
                    plan.keptNoPurge += 1
                } else if !job.tryLockExclusive() {
                    plan.running += 1
                } else {
                    plan.jobs.append(
                        PurgeCandidate(
                            kind: .job, path: workDirectory + "/" + key, group: id, name: name, since: since,
                            ageSource: source, rowKey: rows[key]?.directory))
                }
            }
        }
    }

    /// The job rows under the work directory, by `ID/name`.
    private func jobRows() throws(PurgeError) -> [String: JobStart] {
        guard let store else { return [:] }
        let starts: [JobStart]
        do {
            starts = try store.jobStarts()
        } catch {
            throw .cannotOpen(store.path, error.description)
        }
        var rows: [String: JobStart] = [:]
        let bases = Array(Set([workDirectory, Self.realPath(workDirectory)]))
        for row in starts {
            guard let key = Self.relative(row.directory, to: bases) else { continue }
            rows[key] = row
        }
        return rows
    }
}

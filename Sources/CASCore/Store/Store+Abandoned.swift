import Foundation
import GRDB

extension Store {
    /// Jobs whose state says a process is still working on them (intake … crash).
    public func activeJobs() throws(StoreError) -> [JobRecord] {
        let active = JobRecord.State.allCases.filter(\.isActive).map(\.rawValue)
        return try read { db in
            try JobRecord.filter(active.contains(Column("state"))).order(Column("id")).fetchAll(db)
        }
    }

    /// Marks job `id` abandoned in `step`, only if it is still in that state (a job that finished in the
    /// meantime keeps its outcome). True when the row changed.
    @discardableResult
    public func markAbandoned(id: Int64, step: JobRecord.State, reason: String, at date: Date = Date())
        throws(StoreError) -> Bool
    {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE job SET state = 'abandoned', step = ?, error = ?, updatedAt = ?, finishedAt = ?
                    WHERE id = ? AND state = ?
                    """,
                arguments: [
                    step.rawValue, reason, date.timeIntervalSince1970, date.timeIntervalSince1970, id, step.rawValue,
                ])
            return db.changesCount > 0
        }
    }
}

import Foundation
import GRDB

/// One job in the jobs table: where it lives, how far it got, what it found.
public struct JobRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "job"
    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .timeIntervalSince1970
    }
    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .timeIntervalSince1970
    }

    /// The states a job moves through: its stages, as DESIGN names them, then how it ended. The same
    /// names are the job's `state` and failed `step` in the table, `job.json` and the log.
    public enum State: String, Codable, Sendable, CaseIterable {
        /// The upload unpacked into the job's `input/` folder, the dump chosen.
        case intake
        /// The dump's kernel read from its headers; its own kernel log (`dmesg`) and first findings written.
        case identify
        /// The debuginfo found (index, then debuginfod) and its vmlinux linked from the cache.
        case lookup
        /// crash run on the dump (here, with crash_32 or on a server), the outputs split, the findings written.
        case crash
        case done, failed, abandoned
        /// Ended before crash could run (no debuginfo, no server, crash unusable), with the dump's own
        /// kernel log and the findings from it: `step` and `error` say what was missing.
        case partial
        /// True while a process may still be working on it.
        public var isActive: Bool { ![.done, .failed, .abandoned, .partial].contains(self) }
    }

    public var id: Int64?
    public var caseId: String
    public var directory: String
    public var state: State
    /// The step that failed, when failed.
    public var step: String?
    public var error: String?
    public var dump: String?
    public var release: String?
    public var arch: String?
    public var buildId: String?
    public var vmlinux: String?
    public var server: String?
    public var pid: Int32?
    public var startedAt: Date
    public var updatedAt: Date
    public var finishedAt: Date?
    public var mailState: String?

    public init(caseId: String, directory: String, state: State = .intake, pid: Int32?, startedAt: Date = Date()) {
        self.caseId = caseId
        self.directory = directory
        self.state = state
        self.pid = pid
        self.startedAt = startedAt
        self.updatedAt = startedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension Store {
    /// Inserts a new job row and returns it with its id.
    public func insertJob(_ job: JobRecord) throws(StoreError) -> JobRecord {
        try write { db in
            var job = job
            try job.insert(db)
            return job
        }
    }

    /// Saves every column of an existing job row, stamping `updatedAt`.
    public func updateJob(_ job: JobRecord) throws(StoreError) {
        try write { db in
            var job = job
            job.updatedAt = Date()
            try job.update(db)
        }
    }

    /// Jobs, newest first; only those of `caseId` when given.
    public func jobs(caseId: String? = nil) throws(StoreError) -> [JobRecord] {
        try read { db in
            var request = JobRecord.order(Column("startedAt").desc, Column("id").desc)
            if let caseId { request = request.filter(Column("caseId") == caseId) }
            return try request.fetchAll(db)
        }
    }

    /// The job whose directory is `directory`, if recorded.
    public func job(directory: String) throws(StoreError) -> JobRecord? {
        try read { db in try JobRecord.filter(Column("directory") == directory).fetchOne(db) }
    }

    /// Removes the row of the job in `directory`.
    public func deleteJob(directory: String) throws(StoreError) {
        _ = try write { db in try JobRecord.filter(Column("directory") == directory).deleteAll(db) }
    }
}

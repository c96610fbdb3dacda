import Foundation
import GRDB

extension Store {
    /// Name of the migration adding the job's mail recipients.
    static let jobRecipientsMigration = "v2: job recipients"

    /// Adds `job.recipients`, a JSON array of the `-e` addresses, so a later `cas-admin mail` knows them.
    static func registerMailMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration(jobRecipientsMigration) { db in
            try db.execute(sql: "ALTER TABLE job ADD COLUMN recipients TEXT")
        }
    }

    /// Records the mail recipients of job `jobId` (stored when the job starts).
    public func setRecipients(_ recipients: [String], jobId: Int64) throws(StoreError) {
        let json = String(decoding: (try? JSONEncoder().encode(recipients)) ?? Data("[]".utf8), as: UTF8.self)
        try write { db in
            try db.execute(sql: "UPDATE job SET recipients = ? WHERE id = ?", arguments: [json, jobId])
        }
    }

    /// The mail recipients recorded for job `jobId`; empty when none were given.
    public func recipients(jobId: Int64) throws(StoreError) -> [String] {
        let json = try read { db in
            try String.fetchOne(db, sql: "SELECT recipients FROM job WHERE id = ?", arguments: [jobId])
        }
        guard let json, let list = try? JSONDecoder().decode([String].self, from: Data(json.utf8)) else { return [] }
        return list
    }

    /// Records the outcome of the last mail attempt for job `jobId` (`sent <date>` / `failed: <reason>`).
    public func setMailState(_ state: String, jobId: Int64) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: "UPDATE job SET mailState = ?, updatedAt = ? WHERE id = ?",
                arguments: [state, Date().timeIntervalSince1970, jobId])
        }
    }
}

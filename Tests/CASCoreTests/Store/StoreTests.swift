import CASTestSupport
import Foundation
import GRDB
import Testing

@testable import CASCore

/// The one database: created with its directory, migrated, WAL, re-opened idempotently, clear on bad files.
@Suite("Store")
struct StoreTests {
    let tmp = TempDirectory("cas-store")

    @Test func migrationFromEmptyCreatesEveryTable() throws {
        let path = tmp.appending("new/dir/cas.db")
        let store = try Store(path: path)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try store.schemaVersion() == Store.latestSchemaVersion)
        #expect(Store.latestSchemaVersion >= 1)
        let tables = try store.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        for table in ["package", "kernel", "moduleFile", "server", "job", "cacheEntry"] {
            #expect(tables.contains(table), "missing table \(table) in \(tables)")
        }
        let jobColumns = try store.read { db in try db.columns(in: "job").map(\.name) }
        for column in ["caseId", "directory", "state", "release", "server", "startedAt", "finishedAt", "error"] {
            #expect(jobColumns.contains(column))
        }
    }

    @Test func walModeBusyTimeoutAndForeignKeys() throws {
        let store = try Store(path: tmp.appending("cas.db"))
        let mode = try store.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let foreignKeys = try store.read { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") }
        #expect(foreignKeys == 1)
        let timeout = try store.write { db in try Int.fetchOne(db, sql: "PRAGMA busy_timeout") }
        #expect(timeout == 30_000)
    }

    @Test func reopenKeepsVersionAndData() throws {
        let path = tmp.appending("cas.db")
        let directory = tmp.appending("work/1234/2026.01.01.00.00.00")
        do {
            let store = try Store(path: path)
            _ = try store.insertJob(JobRecord(caseId: "1234", directory: directory, pid: 42))
        }
        let again = try Store(path: path)
        #expect(try again.schemaVersion() == Store.latestSchemaVersion)
        let jobs = try again.jobs()
        #expect(jobs.count == 1)
        #expect(jobs.first?.caseId == "1234")
        #expect(try again.job(directory: directory)?.pid == 42)
        let migrations = try again.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations") }
        #expect(migrations == Store.latestSchemaVersion)
    }

    @Test func notADatabaseNamesTheFile() throws {
        let path = try tmp.write("cas.db", String(repeating: "this is not sqlite\n", count: 300))
        let error = #expect(throws: StoreError.self) { try Store(path: path) }
        #expect(error?.description == "database \(path): not an SQLite database (corrupt or another kind of file)")
        #expect(error?.exitStatus == .configuration)
    }

    @Test func directoryInTheWayNamesTheFile() throws {
        let path = try tmp.makeDirectory("cas.db")
        let error = #expect(throws: StoreError.self) { try Store(path: path) }
        #expect(error?.description.hasPrefix("database \(path): ") == true)
    }

    @Test func parentThatIsAFileNamesIt() throws {
        let file = try tmp.write("plain", "x")
        let error = #expect(throws: StoreError.self) { try Store(path: file + "/cas.db") }
        #expect(
            error?.description.hasPrefix("database \(file)/cas.db: cannot create \(file)") == true,
            "\(String(describing: error))")
    }

    @Test func parametersAreBound() throws {
        let store = try Store(path: tmp.appending("cas.db"))
        let hostile = "x'); DROP TABLE job; --"
        _ = try store.insertJob(JobRecord(caseId: hostile, directory: "/w/" + hostile, pid: nil))
        #expect(try store.jobs(caseId: hostile).count == 1)
        #expect(try store.jobs(caseId: "x").isEmpty)
    }
}

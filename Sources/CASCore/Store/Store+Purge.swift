import Foundation
import GRDB

/// A job row as purge needs it: where, and when it started.
public struct JobStart: Sendable, Equatable {
    public var directory: String
    public var startedAt: Date
}

/// A `debugs` cache row as purge needs it: which directory, and when a job last used it.
public struct CacheUse: Sendable, Equatable {
    public var path: String
    public var lastUsed: Date
}

extension Store {
    // Dates decode through GRDB's `Date`, which reads both Unix timestamps and "yyyy-MM-dd HH:mm:ss.SSS" text.
    /// Every job's directory and start time, for purge's age decisions (one query).
    public func jobStarts() throws(StoreError) -> [JobStart] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT directory, startedAt FROM job").map {
                JobStart(directory: $0["directory"], startedAt: $0["startedAt"])
            }
        }
    }

    /// Removes the rows of the jobs in `directories`, in one transaction.
    public func deleteJobs(directories: [String]) throws(StoreError) {
        guard !directories.isEmpty else { return }
        try write { db in
            for directory in directories {
                try db.execute(sql: "DELETE FROM job WHERE directory = ?", arguments: [directory])
            }
        }
    }

    /// Every `debugs` cache row's directory and last use.
    public func cacheUses() throws(StoreError) -> [CacheUse] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT path, lastUsed FROM cacheEntry").map {
                CacheUse(path: $0["path"], lastUsed: $0["lastUsed"])
            }
        }
    }

    /// Removes the `debugs` cache rows of `paths`, in one transaction.
    public func deleteCacheEntries(paths: [String]) throws(StoreError) {
        guard !paths.isEmpty else { return }
        try write { db in
            for path in paths {
                try db.execute(sql: "DELETE FROM cacheEntry WHERE path = ?", arguments: [path])
            }
        }
    }
}

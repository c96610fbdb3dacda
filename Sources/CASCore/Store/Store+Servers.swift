import Foundation
import GRDB

/// One analysis server in the servers table.
public struct ServerRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "server"
    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .timeIntervalSince1970
    }
    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .timeIntervalSince1970
    }

    public var id: Int64?
    public var host: String
    public var port: Int
    public var arch: String?
    public var crashVersion: String?
    public var sharedStorage: Bool
    public var available: Bool
    public var lastSeen: Date?
    public var lastError: String?

    public init(
        host: String, port: Int, arch: String?, crashVersion: String?, sharedStorage: Bool, available: Bool,
        lastSeen: Date?, lastError: String?
    ) {
        self.host = host
        self.port = port
        self.arch = arch
        self.crashVersion = crashVersion
        self.sharedStorage = sharedStorage
        self.available = available
        self.lastSeen = lastSeen
        self.lastError = lastError
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Store {
    /// Records a probe result: inserts or updates the row of host+port. An unreachable server keeps the
    /// architecture it last reported, so a job can name what is missing.
    public func saveServer(_ record: ServerRecord) throws(StoreError) {
        try write { db in
            if var existing = try ServerRecord.filter(Column("host") == record.host && Column("port") == record.port)
                .fetchOne(db)
            {
                existing.arch = record.arch ?? existing.arch
                existing.crashVersion = record.crashVersion ?? existing.crashVersion
                existing.sharedStorage = record.sharedStorage
                existing.available = record.available
                existing.lastSeen = record.lastSeen ?? existing.lastSeen
                existing.lastError = record.lastError
                try existing.update(db)
            } else {
                var fresh = record
                try fresh.insert(db)
            }
        }
    }

    /// Every server, by architecture then host.
    public func servers() throws(StoreError) -> [ServerRecord] {
        try read { db in try ServerRecord.order(Column("arch"), Column("host"), Column("port")).fetchAll(db) }
    }

    /// Available servers of `arch`, least busy first (active jobs in the jobs table), then least recently used.
    public func availableServers(arch: String) throws(StoreError) -> [ServerRecord] {
        try read { db in
            let servers = try ServerRecord.filter(Column("arch") == arch && Column("available") == true).fetchAll(db)
            func load(_ server: ServerRecord) throws -> (Int, Double) {
                let name = ServerRecordName.name(server)
                let active = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM job WHERE server = ? AND state NOT IN ('done', 'failed', 'abandoned')",
                    arguments: [name]) ?? 0
                let last = try Double.fetchOne(db, sql: "SELECT MAX(startedAt) FROM job WHERE server = ?", arguments: [name]) ?? 0
                return (active, last)
            }
            let scored = try servers.map { ($0, try load($0)) }
            return scored.sorted { $0.1 < $1.1 }.map(\.0)
        }
    }
}

/// How a server is named in job records and mail: `host` or `host:port`.
public enum ServerRecordName {
    public static func name(_ server: ServerRecord) -> String {
        let host = server.host.contains(":") ? "[\(server.host)]" : server.host
        return server.port == 22 ? host : "\(host):\(server.port)"
    }
}

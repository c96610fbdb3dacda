import Foundation
import GRDB
import GRDBSQLite

/// The one SQLite database: debuginfo packages and their kernels, analysis servers, jobs, the debugs cache.
///
/// WAL mode and a busy timeout let many `cas` processes and a re-indexing `cas-admin -b` share it;
/// every statement binds its parameters.
public final class Store: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool

    /// Opens (creating it and its directory when missing) and migrates the database at `path`.
    public init(path: String, busyTimeout: TimeInterval = 30) throws(StoreError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotOpen(path, "cannot create \(directory): \((error as NSError).localizedDescription)")
        }
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        config.label = "cas"
        config.prepareDatabase { db in try Self.persistWAL(db) }
        // Two processes opening a new database at once must not both create the schema: migrate under a
        // flock on the database's directory. (Never open and close the database file itself here: closing any
        // descriptor of it would drop the POSIX locks SQLite holds on it.)
        let migrationLock = try? DirectoryLock(path: directory.isEmpty ? "." : directory, exclusive: true, wait: true)
        defer { migrationLock?.unlock() }
        // A new database is created 0640 before SQLite opens it (it holds case IDs and mail addresses); SQLite
        // gives its -wal and -shm files the database file's mode.
        let created = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o640)
        if created >= 0 { close(created) }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Self.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw .cannotOpen(path, Self.explain(error, path: path))
        } catch {
            throw .cannotOpen(path, "\(error)")
        }
    }

    /// Opens an existing database for reading only: creates no directory, file or WAL and migrates nothing.
    /// What a member of the analysts' group (`cas-admin list`) and `cas-admin check` do. Readers need the
    /// `-wal` and `-shm` files the casuser's connections keep (persistent WAL, ``persistWAL(_:)``).
    public init(readingOnly path: String, busyTimeout: TimeInterval = 30) throws(StoreError) {
        self.path = path
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw .cannotOpen(path, errno == ENOENT
                ? "does not exist yet (the casuser's first `cas-admin -b` or job creates it)"
                : "\(String(cString: strerror(errno)).lowercased()) for user \(FileKind.userName(geteuid()))")
        }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(busyTimeout)
        config.label = "cas"
        do {
            pool = try DatabasePool(path: path, configuration: config)
            let complete = try pool.read { db in try Self.migrator.hasCompletedMigrations(db) }
            guard complete else {
                throw StoreError.cannotOpen(
                    path, "its schema is older than this build: run any cas-admin command as the casuser to update it")
            }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw .cannotOpen(path, Self.explain(error, path: path))
        } catch {
            throw .cannotOpen(path, "\(error)")
        }
    }

    /// Keeps the `-wal` and `-shm` files after the last writer closes (SQLITE_FCNTL_PERSIST_WAL), so that
    /// read-only users (the analysts' group, who cannot create files in the database's directory) can
    /// open the database at any time (sqlite.org/wal.html, "Read-Only Databases"; GRDB DatabaseSharing).
    static func persistWAL(_ db: Database) throws {
        guard !db.configuration.readonly else { return }
        var flag: CInt = 1
        let code = withUnsafeMutablePointer(to: &flag) {
            sqlite3_file_control(db.sqliteConnection, nil, SQLITE_FCNTL_PERSIST_WAL, $0)
        }
        guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code)) }
    }

    /// The schema version: the number of applied migrations.
    public func schemaVersion() throws(StoreError) -> Int {
        try read { db in try Self.migrator.appliedMigrations(db).count }
    }

    /// The number of migrations this build knows.
    public static var latestSchemaVersion: Int { migrator.migrations.count }

    /// Runs `body` in a read transaction, mapping SQLite failures to ``StoreError``.
    public func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw wrap(error)
        }
    }

    /// Runs `body` in one short write transaction, mapping SQLite failures to ``StoreError``.
    public func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.write(body)
        } catch {
            throw wrap(error)
        }
    }

    private func wrap(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError { return .query(path, Self.explain(error, path: path)) }
        return .query(path, "\(error)")
    }

    /// SQLite's failure in words; a permission problem names the user, the file's owner and mode, and the fix.
    static func explain(_ error: DatabaseError, path: String) -> String {
        let user = FileKind.userName(geteuid())
        switch error.resultCode {
        case .SQLITE_NOTADB: return "not an SQLite database (corrupt or another kind of file)"
        case .SQLITE_CORRUPT: return "database file is corrupt"
        case .SQLITE_CANTOPEN: return cannotOpenMessage(path: path)
        case .SQLITE_READONLY: return readOnlyMessage(path: path)
        case .SQLITE_BUSY: return "database stayed locked past the busy timeout"
        case .SQLITE_PERM: return "permission denied for user \(user) (\(access(path) ?? "no access"))"
        default: return error.message ?? "\(error.resultCode)"
        }
    }

    /// SQLITE_READONLY in words: who, the file's owner and mode, and the fix.
    static func readOnlyMessage(path: String) -> String {
        let user = FileKind.userName(geteuid())
        return "database is read-only for user \(user) (\(access(path) ?? "no write access")); run this as the "
            + "casuser, or give \(user) write access to the file and its directory"
    }

    /// SQLITE_CANTOPEN in words.
    static func cannotOpenMessage(path: String) -> String {
        "user \(FileKind.userName(geteuid())) cannot open it (\(access(path) ?? "missing directory or permission denied"))"
    }

    /// "owned by cas:cas, mode 0640" for `path`, or for its directory when the file is missing; nil when
    /// neither can be statted.
    static func access(_ path: String) -> String? {
        var st = stat()
        var what = ""
        if stat(path, &st) != 0 {
            let directory = (path as NSString).deletingLastPathComponent
            guard stat(directory, &st) == 0 else { return "\(directory): \(String(cString: strerror(errno)))" }
            what = "no such file; its directory is "
        }
        return what + FileKind.ownership(st)
    }
}

/// A database failure, naming the database file.
public enum StoreError: CASError {
    case cannotOpen(String, String)
    case query(String, String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let why): "database \(path): \(why)"
        case .query(let path, let why): "database \(path): \(why)"
        }
    }

    public var exitStatus: ExitStatus { .configuration }
}

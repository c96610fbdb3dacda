import Foundation
import GRDB

/// A kernel the index holds, joined with the package it is in.
public struct IndexedKernel: Codable, Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var release: String
    public var arch: String?
    public var buildId: String?
    public var banner: String?
    /// Path of the vmlinux inside the package (the file itself for a loose vmlinux).
    public var vmlinuxPath: String
    public var vmlinuxSize: Int64?
    public var packageId: Int64
    public var packagePath: String
    /// rpm, deb or vmlinux.
    public var packageKind: String
    public var packageName: String?
    public var packageSize: Int64
    public var packageMtime: Double
    public var indexedAt: Double
}

/// What the index records of one package file (see ``Store/replacePackage(path:size:mtime:kind:fields:kernels:)``).
public struct PackageStamp: Sendable, Equatable {
    public var size: Int64
    public var mtime: Double
}

/// The package-level columns of a `package` row.
public struct PackageFields: Sendable {
    public var name, version, release, arch: String?
    public var buildTime: Int64?
    public var payloadFormat, payloadCompressor: String?
    public init(
        name: String?, version: String?, release: String?, arch: String?, buildTime: Int64?,
        payloadFormat: String?, payloadCompressor: String?
    ) {
        (self.name, self.version, self.release, self.arch) = (name, version, release, arch)
        (self.buildTime, self.payloadFormat, self.payloadCompressor) = (buildTime, payloadFormat, payloadCompressor)
    }
}

/// One kernel row to insert, with its module files as (name, path).
public struct KernelRow: Sendable {
    public var release: String
    public var arch, buildId, banner: String?
    public var vmlinuxPath: String
    public var vmlinuxSize: Int64?
    public var modules: [(name: String, path: String)]
    public init(
        release: String, arch: String?, buildId: String?, banner: String?, vmlinuxPath: String,
        vmlinuxSize: Int64?, modules: [(name: String, path: String)]
    ) {
        (self.release, self.arch, self.buildId, self.banner) = (release, arch, buildId, banner)
        (self.vmlinuxPath, self.vmlinuxSize, self.modules) = (vmlinuxPath, vmlinuxSize, modules)
    }
}

extension Store {
    static let kernelSelect = """
        SELECT k.id, k.release, k.arch, k.buildId, k.banner, k.vmlinuxPath, k.vmlinuxSize, k.packageId,
               p.path AS packagePath, p.kind AS packageKind, p.name AS packageName, p.size AS packageSize,
               p.mtime AS packageMtime, p.indexedAt
        FROM kernel k JOIN package p ON p.id = k.packageId
        """

    /// Size and mtime of every indexed package, by path.
    public func packageStamps() throws(StoreError) -> [String: PackageStamp] {
        try read { db in
            var stamps: [String: PackageStamp] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT path, size, mtime FROM package") {
                stamps[row["path"]] = PackageStamp(size: row["size"], mtime: row["mtime"])
            }
            return stamps
        }
    }

    /// Replaces the package at `path` and its kernels and modules in one transaction.
    public func replacePackage(
        path: String, size: Int64, mtime: Double, kind: String, fields: PackageFields,
        kernels: [KernelRow]
    ) throws(StoreError) {
        try write { db in
            try db.execute(sql: "DELETE FROM package WHERE path = ?", arguments: [path])
            try db.execute(
                sql: """
                    INSERT INTO package (path, size, mtime, kind, name, version, release, arch, buildTime,
                        payloadFormat, payloadCompressor, indexedAt) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
                    """,
                arguments: [
                    path, size, mtime, kind, fields.name, fields.version, fields.release, fields.arch,
                    fields.buildTime, fields.payloadFormat, fields.payloadCompressor,
                    Date().timeIntervalSince1970,
                ])
            let packageId = db.lastInsertedRowID
            for k in kernels {
                try db.execute(
                    sql: """
                        INSERT INTO kernel (packageId, release, arch, buildId, banner, vmlinuxPath, vmlinuxSize)
                        VALUES (?,?,?,?,?,?,?)
                        """,
                    arguments: [packageId, k.release, k.arch, k.buildId, k.banner, k.vmlinuxPath, k.vmlinuxSize])
                let kernelId = db.lastInsertedRowID
                for m in k.modules {
                    try db.execute(
                        sql: "INSERT INTO moduleFile (kernelId, name, path) VALUES (?,?,?)",
                        arguments: [kernelId, m.name, m.path])
                }
            }
        }
    }

    /// Removes the package at `path` with its kernels and modules.
    public func deletePackage(path: String) throws(StoreError) {
        try write { db in try db.execute(sql: "DELETE FROM package WHERE path = ?", arguments: [path]) }
    }

    /// Every indexed kernel, by release then package path.
    public func indexedKernels() throws(StoreError) -> [IndexedKernel] {
        try read { db in
            try IndexedKernel.fetchAll(db, sql: Self.kernelSelect + " ORDER BY k.release, p.path, k.id")
        }
    }

    /// Kernels whose build ID is `buildId`.
    public func indexedKernels(buildId: String) throws(StoreError) -> [IndexedKernel] {
        try read { db in
            try IndexedKernel.fetchAll(db, sql: Self.kernelSelect + " WHERE k.buildId = ?", arguments: [buildId])
        }
    }

    /// Kernels whose release is `release`.
    public func indexedKernels(release: String) throws(StoreError) -> [IndexedKernel] {
        try read { db in
            try IndexedKernel.fetchAll(db, sql: Self.kernelSelect + " WHERE k.release = ?", arguments: [release])
        }
    }

    /// The package-relative paths of `kernelId`'s module files named `names` (normalised module names).
    public func modulePaths(kernelId: Int64, names: [String]) throws(StoreError) -> [String: String] {
        try read { db in
            var paths: [String: String] = [:]
            for name in names {
                if let path = try String.fetchOne(
                    db, sql: "SELECT path FROM moduleFile WHERE kernelId = ? AND name = ? ORDER BY path LIMIT 1",
                    arguments: [kernelId, name])
                {
                    paths[name] = path
                }
            }
            return paths
        }
    }

    /// Paths of indexed packages that hold no kernel, in order.
    public func packagesWithoutKernels() throws(StoreError) -> [String] {
        try read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT path FROM package p WHERE NOT EXISTS (SELECT 1 FROM kernel k WHERE k.packageId = p.id)
                    ORDER BY path
                    """)
        }
    }

    /// The number of indexed packages and kernels.
    public func debuginfoCounts() throws(StoreError) -> (packages: Int, kernels: Int) {
        try read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM package") ?? 0,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM kernel") ?? 0
            )
        }
    }

    /// Records (or refreshes) a `debugs` cache entry directory.
    public func recordCacheEntry(path: String, release: String?, buildId: String?, size: Int64, extracted: Bool)
        throws(StoreError)
    {
        let now = Date().timeIntervalSince1970
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO cacheEntry (path, release, buildId, size, extractedAt, lastUsed) VALUES (?,?,?,?,?,?)
                    ON CONFLICT(path) DO UPDATE SET lastUsed = excluded.lastUsed,
                        size = CASE WHEN ? THEN excluded.size ELSE cacheEntry.size END,
                        extractedAt = CASE WHEN ? THEN excluded.extractedAt ELSE cacheEntry.extractedAt END
                    """,
                arguments: [path, release, buildId, size, now, now, extracted, extracted])
        }
    }

    /// The `lastUsed` time of a cache entry, nil when not recorded.
    public func cacheEntryLastUsed(path: String) throws(StoreError) -> Double? {
        try read { db in
            try Double.fetchOne(db, sql: "SELECT lastUsed FROM cacheEntry WHERE path = ?", arguments: [path])
        }
    }
}

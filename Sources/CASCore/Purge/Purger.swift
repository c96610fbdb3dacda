import Foundation

/// Retention: removes jobs older than the age limit and trims the `debugs` cache, deleting exactly what
/// policy says and nothing else.
///
/// Keeps any job with a `NOPURGE` file in its directory or in its `<ID>` directory, and any job or cache
/// entry whose ``DirectoryLock`` a running process holds. Works through directory descriptors from the
/// work directory down, never following a symlink, so nothing outside `workDirectory` (or `debugs`) is
/// ever removed. Holds an exclusive lock on the work directory for its life, so two purges never overlap.
public final class Purger {
    /// Jobs older than this many days go.
    public let days: Int
    /// Cache entries no job used within this many days go.
    public let cacheDays: Int
    /// The most the cache may hold, in allocated bytes.
    public let debugsLimit: Int64?
    /// "Now" for every age decision of this purge.
    public let now: Date
    let workDirectory: String
    let debugs: String
    /// Paths CAS needs (the cache, the kernels, the database) inside the work directory, relative to it.
    let workProtected: [String]
    /// The same inside `debugs`.
    let debugsProtected: [String]
    let store: Store?
    let work: DirectoryFD

    /// What retention keeps and where it works: plain values the caller takes from its settings.
    public struct Policy: Sendable {
        /// Days a job is kept (`purgeLimit`); cache entries no job used within as many days go too.
        public var purgeLimit: Int
        /// The most the `debugs` cache may hold, in allocated bytes.
        public var debugsLimit: Int64?
        /// The job tree purged (`workDirectory`).
        public var workDirectory: String
        /// The vmlinux cache trimmed (`debugs`).
        public var debugs: String
        /// Paths CAS needs that a purge never removes even when they sit inside `workDirectory` or `debugs`
        /// (`kernels`, `database`).
        public var protected: [String]

        public init(purgeLimit: Int, debugsLimit: Int64?, workDirectory: String, debugs: String, protected: [String]) {
            self.purgeLimit = purgeLimit
            self.debugsLimit = debugsLimit
            self.workDirectory = workDirectory
            self.debugs = debugs
            self.protected = protected
        }
    }

    /// Validates the directories and takes the purge lock; `days` overrides `purgeLimit` for jobs.
    public init(policy: Policy, store: Store?, days: Int? = nil, now: Date = Date()) throws(PurgeError) {
        self.days = days ?? policy.purgeLimit
        cacheDays = policy.purgeLimit
        debugsLimit = policy.debugsLimit
        self.now = now
        self.store = store
        workDirectory = try Self.checkedRoot("workDirectory", policy.workDirectory)
        debugs = policy.debugs
        workProtected = try Self.protected(
            workDirectory, key: "workDirectory", others: [policy.debugs] + policy.protected)
        debugsProtected = try Self.protected(
            policy.debugs, key: "debugs", others: [workDirectory] + policy.protected)
        work = try DirectoryFD(path: workDirectory, followLink: true)
        guard work.tryLockExclusive() else { throw .alreadyRunning(workDirectory) }
    }

    /// Finds what policy removes, without changing anything.
    public func plan() throws(PurgeError) -> PurgePlan {
        var plan = PurgePlan()
        plan.days = days
        try planJobs(into: &plan)
        try planCache(into: &plan)
        return plan
    }

    /// Refuses a root that is unset, `/`, or not a directory; returns it without a trailing slash.
    static func checkedRoot(_ key: String, _ path: String) throws(PurgeError) -> String {
        let trimmed = path.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .refusedRoot(key: key, path: path, reason: "is not set") }
        guard trimmed.hasPrefix("/") else {
            throw .refusedRoot(key: key, path: path, reason: "is not an absolute path")
        }
        var st = stat()
        guard stat(trimmed, &st) == 0, DirectoryFD.isDirectory(st) else {
            throw .refusedRoot(key: key, path: path, reason: "is not a directory")
        }
        let real = realPath(trimmed)
        guard real != "/", trimmed.split(separator: "/").isEmpty == false else {
            throw .refusedRoot(key: key, path: path, reason: "is the root directory")
        }
        var result = trimmed
        while result.count > 1, result.hasSuffix("/") { result.removeLast() }
        return result
    }

    /// The paths among `others` that lie inside `root`, relative to it; refuses when one is `root` itself.
    static func protected(_ root: String, key: String, others: [String]) throws(PurgeError) -> [String] {
        var result: [String] = []
        for other in others where !other.isEmpty {
            for candidate in Set([other, realPath(other)]) {
                for base in Set([root, realPath(root)]) {
                    if candidate == base {
                        throw .refusedRoot(key: key, path: root, reason: "is also \(other), which CAS needs")
                    }
                    if candidate.hasPrefix(base + "/") { result.append(String(candidate.dropFirst(base.count + 1))) }
                }
            }
        }
        return result
    }

    /// True when the relative `path` is, or holds, one of `protected`.
    static func isProtected(_ path: String, _ protected: [String]) -> Bool {
        protected.contains { $0 == path || $0.hasPrefix(path + "/") }
    }

    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `path` relative to one of `bases` (a root and its real path), nil when it lies elsewhere.
    static func relative(_ path: String, to bases: [String]) -> String? {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        for base in bases where path.hasPrefix(base + "/") {
            return String(path.dropFirst(base.count + 1))
        }
        return path.hasPrefix("/") ? nil : path
    }
}

import Foundation

/// One directory purge would remove: a job, or an entry of the `debugs` cache.
public struct PurgeCandidate: Sendable, Equatable, Codable {
    /// What the directory is.
    public enum Kind: String, Sendable, Codable { case job, cachedKernel }
    /// Where the age came from: the database row, the directory's name, or its mtime.
    public enum AgeSource: String, Sendable, Codable { case record, name, mtime }

    public var kind: Kind
    /// The directory, as `workDirectory/ID/stamp` or `debugs/release/key`.
    public var path: String
    /// The ID (job) or the release (cache entry): the directory holding it.
    public var group: String
    /// Its name inside `group`.
    public var name: String
    /// The job's start, or the cache entry's last use.
    public var since: Date
    public var ageSource: AgeSource
    /// Allocated bytes of the tree (cache entries; jobs are measured when executed).
    public var footprint: Int64 = 0
    /// Allocated bytes its removal freed (or would free); set by ``Purger/execute(_:dryRun:)``.
    public var freed: Int64 = 0
    /// The database key (job directory or cache path) to delete with it, when it has a row.
    public var rowKey: String?
}

/// What purge found: the candidates, and what it keeps that policy alone would remove.
public struct PurgePlan: Sendable, Equatable {
    public var jobs: [PurgeCandidate] = []
    public var cachedKernels: [PurgeCandidate] = []
    /// Old enough jobs kept because of a `NOPURGE` file in the job or its ID.
    public var keptNoPurge = 0
    /// Old enough jobs kept because a running job holds their lock.
    public var running = 0
    /// Cache entries that policy would evict but a running job holds.
    public var cacheInUse = 0
    /// The jobs' age limit, in days.
    public var days = 0

    public var isEmpty: Bool { jobs.isEmpty && cachedKernels.isEmpty }
}

/// Job directory names: `YYYY.MM.DD.HH.MM.SS` with an optional `.N`, local time.
enum JobStamp {
    /// The moment the name encodes, nil when it is not a job stamp.
    static func date(_ name: String) -> Date? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 6 || parts.count == 7 else { return nil }
        let widths = [4, 2, 2, 2, 2, 2]
        var numbers: [Int32] = []
        for (index, part) in parts.enumerated() {
            guard !part.isEmpty, part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            if index < 6 {
                guard part.count == widths[index], let value = Int32(part) else { return nil }
                numbers.append(value)
            }
        }
        guard (1...12).contains(numbers[1]), (1...31).contains(numbers[2]), numbers[3] < 24, numbers[4] < 60,
            numbers[5] < 61
        else { return nil }
        var fields = tm()
        fields.tm_year = numbers[0] - 1900
        fields.tm_mon = numbers[1] - 1
        fields.tm_mday = numbers[2]
        fields.tm_hour = numbers[3]
        fields.tm_min = numbers[4]
        fields.tm_sec = numbers[5]
        fields.tm_isdst = -1
        let seconds = mktime(&fields)
        guard seconds != -1 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}

extension stat {
    /// The modification time as a `Date`.
    var modified: Date {
        Date(timeIntervalSince1970: TimeInterval(st_mtim.tv_sec) + TimeInterval(st_mtim.tv_nsec) / 1e9)
    }
}

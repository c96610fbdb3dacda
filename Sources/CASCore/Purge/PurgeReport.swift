import Foundation

/// What a purge removed (or, dry, would remove), what it kept, and what it could not remove.
public struct PurgeReport: Sendable, Equatable, Codable {
    public var dryRun: Bool
    /// Jobs and cache entries removed (or that a dry run would remove), in order.
    public var removed: [PurgeCandidate] = []
    /// Candidates that could not be removed completely (some of their files may be gone).
    public var incomplete: [PurgeCandidate] = []
    /// One line per file or directory that could not be removed, and why.
    public var failures: [String] = []
    /// Allocated bytes freed (or that would be freed).
    public var bytesFreed: Int64 = 0
    public var keptNoPurge = 0
    public var running = 0
    public var cacheInUse = 0

    public init(dryRun: Bool) { self.dryRun = dryRun }

    /// Removed jobs.
    public var jobs: [PurgeCandidate] { removed.filter { $0.kind == .job } }
    /// Removed cache entries.
    public var cachedKernels: [PurgeCandidate] { removed.filter { $0.kind == .cachedKernel } }
    /// True when everything policy selected is gone.
    public var complete: Bool { failures.isEmpty && incomplete.isEmpty }

    /// The one closing line: "purged 42 jobs of 17 IDs, 1.3 TiB freed; kept 3 with NOPURGE, 1 running".
    public var summary: String {
        let ids = Set(jobs.map(\.group)).count
        var line = "\(dryRun ? "would purge" : "purged") \(Self.count(jobs.count, "job")) of \(Self.count(ids, "ID"))"
        if !cachedKernels.isEmpty { line += " and \(Self.count(cachedKernels.count, "cached kernel"))" }
        line += ", \(ByteCount.format(bytesFreed)) \(dryRun ? "would be freed" : "freed")"
        var kept: [String] = []
        if keptNoPurge > 0 { kept.append("\(keptNoPurge) with NOPURGE") }
        if running > 0 { kept.append("\(running) running") }
        if cacheInUse > 0 { kept.append("\(Self.count(cacheInUse, "cached kernel")) in use") }
        if !kept.isEmpty { line += "; kept " + kept.joined(separator: ", ") }
        if !incomplete.isEmpty {
            line += "; \(incomplete.count) could not be removed completely (\(Self.count(failures.count, "error")))"
        }
        return line
    }

    /// "1 job", "3 jobs".
    public static func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
}

import Foundation
import Logging

/// The kernel chosen for a dump, and why.
public struct KernelMatch: Sendable, Equatable {
    /// How the kernel matched, best first.
    public enum Quality: Int, Sendable, Comparable {
        case buildId = 0
        case releaseArch = 1
        case releaseArchOtherBuild = 2
        case releaseOnly = 3
        case banner = 4
        public static func < (a: Quality, b: Quality) -> Bool { a.rawValue < b.rawValue }
    }

    public var kernel: IndexedKernel
    public var quality: Quality
    /// One line for the job log: what matched and what else was considered.
    public var explanation: String
}

/// A dump whose kernel the index does not hold.
public enum LookupError: CASError {
    case noMatch(identity: String, nearest: [String])
    case store(StoreError)

    public var description: String {
        switch self {
        case .noMatch(let identity, let nearest):
            "no debuginfo in the index for \(identity); "
                + (nearest.isEmpty
                    ? "the index is empty (run 'cas-admin -b')"
                    : "nearest releases indexed: \(nearest.joined(separator: ", ")) (add the kernel-debuginfo package under 'kernels' and run 'cas-admin -b')")
        case .store(let error): error.description
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .noMatch: .noDebuginfo
        case .store(let error): error.exitStatus
        }
    }
}

/// Finds the debug kernel for a dump: build ID (exact), else release + arch, else the banner.
public struct DebuginfoIndex: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// The kernel for a dump's identity as the Dump stage read it.
    public func lookup(_ identity: KernelIdentity) throws(LookupError) -> KernelMatch {
        try lookup(buildId: identity.buildId, release: identity.release, arch: identity.arch, banner: identity.banner)
    }

    /// The best indexed kernel for the given identity; ties go to the most recently changed package.
    public func lookup(buildId: String?, release: String?, arch: String?, banner: String?) throws(LookupError)
        -> KernelMatch
    {
        let buildId = buildId?.lowercased()
        let release = release ?? banner.flatMap(LooseVmlinux.release(ofBanner:))
        var ranked: [(KernelMatch.Quality, IndexedKernel)] = []
        // Weaker matches are looked at only when the stronger ones are missing or none of them is readable.
        func settled() -> Bool { ranked.contains { FileKind.problem($0.1.packagePath) == nil } }
        do {
            if let buildId { ranked += try store.indexedKernels(buildId: buildId).map { (.buildId, $0) } }
            if !settled(), let release {
                for k in try store.indexedKernels(release: release)
                where !ranked.contains(where: { $0.1.packagePath == k.packagePath && $0.1.vmlinuxPath == k.vmlinuxPath }) {
                    let archOK = arch == nil || k.arch == nil || k.arch == arch
                    guard archOK else { continue }
                    let sameArch = arch != nil && k.arch == arch
                    if let buildId, let other = k.buildId, other != buildId {
                        ranked.append((.releaseArchOtherBuild, k))
                    } else {
                        ranked.append((sameArch ? .releaseArch : .releaseOnly, k))
                    }
                }
            }
            if !settled(), let banner {
                ranked += try store.indexedKernels().filter { k in
                    k.banner == banner
                        && !ranked.contains(where: { $0.1.packagePath == k.packagePath && $0.1.vmlinuxPath == k.vmlinuxPath })
                }.map { (.banner, $0) }
            }
        } catch { throw .store(error) }
        ranked.sort { a, b in a.0 != b.0 ? a.0 < b.0 : a.1.packageMtime > b.1.packageMtime }
        guard !ranked.isEmpty else {
            let identity = Self.describe(buildId: buildId, release: release, arch: arch, banner: banner)
            let releases: [String]
            do { releases = Array(Set(try store.indexedKernels().map(\.release))) } catch { throw .store(error) }
            throw .noMatch(identity: identity, nearest: Self.nearest(to: release ?? "", in: releases, count: 5))
        }
        let logger = Logger.cas("debuginfo")
        // A package this user cannot read (indexed by root, say) would fail the extraction: the next candidate
        // is taken instead, and the log says which were passed over. With none readable, the best stays (its
        // vmlinux may be in the cache already; else the extraction names the file and the user).
        let readable = ranked.firstIndex { FileKind.problem($0.1.packagePath) == nil }
        if let readable, readable > 0 {
            for (_, skipped) in ranked[..<readable] {
                let why = FileKind.problem(skipped.packagePath) ?? "not readable"
                logger.warning("skipped candidate \(skipped.packagePath): \(why); trying the next")
            }
        }
        let (quality, best) = ranked[readable ?? 0]
        var explanation =
            "\(Self.name(quality)): \(best.release) \(best.arch ?? "?") "
            + "build-id \(best.buildId ?? "unknown") in \(best.packagePath)"
        if ranked.count > 1 { explanation += " (chosen from \(ranked.count) candidates, newest package first)" }
        if let readable, readable > 0 { explanation += " (\(readable) unreadable skipped)" }
        logger.info("\(explanation)")
        return KernelMatch(kernel: best, quality: quality, explanation: explanation)
    }

    static func name(_ quality: KernelMatch.Quality) -> String {
        switch quality {
        case .buildId: "matched by build ID"
        case .releaseArch: "matched by release and arch"
        case .releaseArchOtherBuild: "matched by release and arch, but the package's build ID differs from the dump's"
        case .releaseOnly: "matched by release only (arch unknown)"
        case .banner: "matched by banner"
        }
    }

    static func describe(buildId: String?, release: String?, arch: String?, banner: String?) -> String {
        var parts: [String] = []
        if let release { parts.append("release \(release)") }
        if let arch { parts.append("arch \(arch)") }
        if let buildId { parts.append("build ID \(buildId)") }
        if parts.isEmpty, let banner { parts.append("banner '\(banner)'") }
        return parts.isEmpty ? "a dump with no kernel identity" : parts.joined(separator: ", ")
    }

    /// The `count` releases nearest `release`: most leading version fields in common, then edit distance.
    public static func nearest(to release: String, in releases: [String], count: Int) -> [String] {
        let wanted = fields(release)
        func key(_ r: String) -> (Int, Int, String) {
            let f = fields(r)
            let common = zip(wanted, f).prefix { $0 == $1 }.count
            return (-common, editDistance(release, r), r)
        }
        return releases.map { (key($0), $0) }.sorted { $0.0 < $1.0 }.prefix(count).map(\.1)
    }

    static func fields(_ release: String) -> [String] {
        release.split(whereSeparator: { ".-_+~".contains($0) }).map(String.init)
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let saved = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = saved
            }
        }
        return row[b.count]
    }
}

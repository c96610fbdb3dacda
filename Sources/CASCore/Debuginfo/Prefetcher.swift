import Foundation

/// Fills the `debugs` cache ahead of the jobs: after an index build, the vmlinux of the newest kernels of
/// each architecture is extracted, so the first job for a new kernel finds it ready.
public struct Prefetcher: Sendable {
    /// What one prefetch did.
    public struct Report: Sendable {
        /// "release arch" of each kernel extracted now.
        public var extracted: [String] = []
        public var alreadyCached = 0
        /// Kernels left out because extracting them would take the cache past `debugsLimit`.
        public var overLimit: [String] = []
        /// Extractions that failed, one line each.
        public var failures: [String] = []

        /// "prefetch: 2 extracted, 1 already cached, 0 over debugsLimit, 0 failed"
        public var summary: String {
            "prefetch: \(extracted.count) extracted, \(alreadyCached) already cached, "
                + "\(overLimit.count) over debugsLimit, \(failures.count) failed"
        }
    }

    /// The cache filled (the `debugs` setting).
    public let debugs: String
    /// The most the cache may hold, in allocated bytes (`debugsLimit`).
    public let debugsLimit: Int64?
    public let store: Store

    public init(debugs: String, debugsLimit: Int64?, store: Store) {
        self.debugs = debugs
        self.debugsLimit = debugsLimit
        self.store = store
    }

    /// The `count` newest kernels of each architecture (highest release first; for one release, the most
    /// recently changed package), loose vmlinux files left out (they are used in place).
    public static func newest(_ kernels: [IndexedKernel], count: Int) -> [IndexedKernel] {
        guard count > 0 else { return [] }
        let packaged = kernels.filter { $0.packageKind != PackageContents.Kind.vmlinux.rawValue }
        var chosen: [IndexedKernel] = []
        for (_, group) in Dictionary(grouping: packaged, by: { $0.arch ?? "" }).sorted(by: { $0.key < $1.key }) {
            let ordered = group.sorted { a, b in
                let order = compareReleases(a.release, b.release)
                return order != 0 ? order > 0 : a.packageMtime > b.packageMtime
            }
            var releases: Set<String> = []
            for kernel in ordered where releases.count < count && releases.insert(kernel.release).inserted {
                chosen.append(kernel)
            }
        }
        return chosen
    }

    /// Compares two kernel releases field by field (`.-_+~`), numbers as numbers: 1 when a is newer.
    static func compareReleases(_ a: String, _ b: String) -> Int {
        let x = DebuginfoIndex.fields(a)
        let y = DebuginfoIndex.fields(b)
        for (p, q) in zip(x, y) where p != q {
            if let m = Int(p), let n = Int(q) { return m > n ? 1 : -1 }
            return p > q ? 1 : -1
        }
        return x.count == y.count ? 0 : (x.count > y.count ? 1 : -1)
    }

    /// Extracts the vmlinux of the `count` newest kernels per architecture that are not cached yet, stopping
    /// short of `debugsLimit` (the package's vmlinux size, else the package size, counts against it).
    public func run(count: Int) async throws(StoreError) -> Report {
        var report = Report()
        let cache = VmlinuxCache(debugs: debugs, store: store)
        var used = debugsLimit == nil ? 0 : VmlinuxCache.directorySize(debugs)
        for kernel in Self.newest(try store.indexedKernels(), count: count) {
            let name = "\(kernel.release) \(kernel.arch ?? "?")"
            let target = cache.entryDirectory(for: kernel) + (kernel.vmlinuxPath.hasPrefix("/") ? "" : "/")
                + kernel.vmlinuxPath
            if FileManager.default.fileExists(atPath: target) {
                report.alreadyCached += 1
                continue
            }
            let cost = kernel.vmlinuxSize ?? kernel.packageSize
            if let limit = debugsLimit, used + cost > limit {
                report.overLimit.append(name)
                continue
            }
            let match = KernelMatch(kernel: kernel, quality: .buildId, explanation: "prefetch")
            do {
                let extracted = try await cache.vmlinux(for: match)
                if extracted.extracted {
                    report.extracted.append(name)
                    used += FileSystem.size(extracted.vmlinux.path) ?? cost
                } else {
                    report.alreadyCached += 1
                }
            } catch {
                report.failures.append("\(name) from \(kernel.packagePath): \(error.description)")
            }
        }
        return report
    }
}

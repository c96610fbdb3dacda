import Foundation

/// Builds the debuginfo index incrementally: new and changed packages are read (headers only, in parallel),
/// vanished ones removed, unchanged ones skipped. Each package is written in its own transaction, so an
/// interrupted build leaves a consistent index and the next run continues where it stopped.
public struct DebuginfoIndexer: Sendable {
    /// What one build did.
    public struct Report: Sendable {
        public var packages = 0
        public var new = 0
        public var changed = 0
        public var removed = 0
        public var unchanged = 0
        /// Packages that could not be read, with the reason, in path order.
        public var unreadable: [PackageError] = []
        /// Indexed packages (new, changed or unchanged) that hold no kernel, with the reason, in path order.
        public var withoutKernel: [(path: String, reason: String)] = []
        /// Indexed kernels whose build ID is unknown (found by release and arch only), as "package: vmlinux".
        public var withoutBuildId: [String] = []
        public var kernels = 0
        public var seconds = 0.0
        /// Directories under `kernels` this user could not list: their indexed packages were kept as they were.
        public var unlistedDirectories: [String] = []

        /// "1,204 packages: 12 new, 3 changed, 2 removed, 1 unreadable, 2 without a kernel; 1,871 kernels; 2.4 s"
        /// (the count of packages without a kernel only when there are some).
        public var summary: String {
            let time = String(format: "%.1f", seconds)
            let empty = withoutKernel.isEmpty ? "" : ", \(Self.grouped(withoutKernel.count)) without a kernel"
            return "\(Self.grouped(packages)) packages: \(Self.grouped(new)) new, \(Self.grouped(changed)) changed, "
                + "\(Self.grouped(removed)) removed, \(Self.grouped(unreadable.count)) unreadable\(empty); "
                + "\(Self.grouped(kernels)) kernels; \(time) s"
        }

        /// The `-v` lines: each package without a kernel and each kernel without a build ID, with the reason.
        public var details: [String] {
            withoutKernel.map { "no kernel in \($0.path): \($0.reason)" }
                + withoutBuildId.map {
                    "no build ID for \($0): no build ID note or .build-id link (matched by release and arch only)"
                }
        }

        public static func grouped(_ n: Int) -> String {
            let digits = Array(String(n))
            var out = ""
            for (i, c) in digits.enumerated() {
                if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
                out.append(c)
            }
            return out
        }
    }

    /// Where the packages are and which files count: plain values the caller takes from its settings
    /// (`kernels`, `rpmFilter`, `debFilter`).
    public struct Options: Sendable {
        /// The root of the debuginfo package tree.
        public var kernels: String
        /// Which files under ``kernels`` are kernel debuginfo RPMs, matched against the whole path.
        public var rpmFilter: FindRegex
        /// The same for Debian/Ubuntu debug packages.
        public var debFilter: FindRegex

        public init(kernels: String, rpmFilter: FindRegex, debFilter: FindRegex) {
            self.kernels = kernels
            self.rpmFilter = rpmFilter
            self.debFilter = debFilter
        }
    }

    public let options: Options
    public let store: Store
    /// How many packages are read at once (default: the number of cores).
    public var width: Int

    public init(options: Options, store: Store, width: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.options = options
        self.store = store
        self.width = max(1, width)
    }

    /// Reads the headers of one file of the given kind; a package whose kernel names could choose a path
    /// (``PackageContents/pathProblem``) is refused, so it is reported and never indexed.
    public static func read(path: String, kind: PackageContents.Kind) throws(PackageError) -> PackageContents {
        // Said plainly ("not readable by cas") rather than as the archive library's "Failed to open".
        if let problem = FileKind.problem(path) { throw .unreadable(path, problem) }
        let contents: PackageContents =
            switch kind {
            case .rpm: try RPMPackage.read(path: path)
            case .deb: try DebPackage.read(path: path)
            case .vmlinux: try LooseVmlinux.read(path: path)
            }
        if let problem = contents.pathProblem { throw .corrupt(path, problem) }
        return contents
    }

    /// Runs one build; `full` re-reads every package; `progress(done, total)` is called as packages are read.
    /// A `kernels` directory with no package in it while the index lists some is refused (an unmounted share
    /// would otherwise empty the index) unless `allowEmpty`.
    public func build(
        full: Bool = false, allowEmpty: Bool = false, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws(IndexError) -> Report {
        let start = Date()
        var report = Report()
        let scan = try PackageWalker.scan(
            root: options.kernels, rpmFilter: options.rpmFilter, debFilter: options.debFilter)
        let found = scan.candidates
        report.unlistedDirectories = scan.unreadableDirectories
        let stamps: [String: PackageStamp]
        do { stamps = try store.packageStamps() } catch { throw .store(error) }
        if found.isEmpty, !stamps.isEmpty, !allowEmpty { throw .emptyKernels(options.kernels, indexed: stamps.count) }
        var work: [PackageWalker.Candidate] = []
        for candidate in found {
            // An unchanged package this user cannot read (indexed by root, run as the casuser) is read again,
            // so that it is counted unreadable, with the reason, rather than unchanged.
            if !full, let stamp = stamps[candidate.path], stamp.size == candidate.size, stamp.mtime == candidate.mtime,
                access(candidate.path, R_OK) == 0
            {
                report.unchanged += 1
            } else {
                work.append(candidate)
            }
        }
        let present = Set(found.map(\.path))
        do {
            // Packages under a directory this user cannot list are not known to be gone: they stay.
            let unlisted = scan.unreadableDirectories.map { $0 + "/" }
            for path in stamps.keys.sorted() where !present.contains(path) && !unlisted.contains(where: path.hasPrefix) {
                try store.deletePackage(path: path)
                report.removed += 1
            }
        } catch { throw .store(error) }
        let total = work.count
        var done = 0
        var failures: [PackageError] = []
        var storeError: StoreError?
        await withTaskGroup(of: (PackageWalker.Candidate, Result<PackageContents, PackageError>).self) { group in
            var next = 0
            func enqueue() {
                guard next < work.count else { return }
                let candidate = work[next]
                next += 1
                group.addTask {
                    (
                        candidate,
                        Result { () throws(PackageError) in try Self.read(path: candidate.path, kind: candidate.kind) }
                    )
                }
            }
            for _ in 0..<min(width, work.count) { enqueue() }
            while let (candidate, result) = await group.next() {
                done += 1
                progress?(done, total)
                let known = stamps[candidate.path] != nil
                do throws(StoreError) {
                    switch result {
                    case .success(let contents):
                        try store.replacePackage(
                            path: candidate.path, size: candidate.size, mtime: candidate.mtime,
                            kind: contents.kind.rawValue, fields: contents.fields, kernels: contents.kernels.map(\.row))
                        if known { report.changed += 1 } else { report.new += 1 }
                    case .failure(let error):
                        // One this user may not read stays indexed (lookup passes over it); a broken one goes.
                        if known, access(candidate.path, R_OK) == 0 { try store.deletePackage(path: candidate.path) }
                        failures.append(error)
                    }
                } catch {
                    storeError = error
                    group.cancelAll()
                    break
                }
                enqueue()
            }
        }
        if let storeError { throw .store(storeError) }
        report.unreadable = failures.sorted { $0.description < $1.description }
        report.packages = found.count - report.unreadable.count
        do {
            report.kernels = try store.debuginfoCounts().kernels
            report.withoutKernel = try store.packagesWithoutKernels().map { ($0, "no vmlinux member") }
            report.withoutBuildId = try store.indexedKernels().filter { $0.buildId == nil }.map {
                $0.packageKind == PackageContents.Kind.vmlinux.rawValue
                    ? $0.packagePath : "\($0.packagePath): \($0.vmlinuxPath)"
            }
        } catch { throw .store(error) }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }
}

extension PackageContents {
    var fields: PackageFields {
        PackageFields(
            name: name, version: version, release: release, arch: arch, buildTime: buildTime,
            payloadFormat: payloadFormat, payloadCompressor: payloadCompressor)
    }
}

extension KernelEntry {
    var row: KernelRow {
        KernelRow(
            release: release, arch: arch, buildId: buildId, banner: banner, vmlinuxPath: vmlinuxPath,
            vmlinuxSize: vmlinuxSize, modules: modules.map { ($0.name, $0.path) })
    }
}

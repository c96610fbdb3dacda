import Foundation
import Logging

/// The lookup stage: the debuginfo for the dump's kernel (the index by build ID, release and arch, or
/// banner; else the debuginfod servers by build ID), its vmlinux taken from the `debugs` cache (extracted
/// once) and linked into the job directory where ``VmlinuxLink`` says.
public struct LookupStage: Sendable {
    public var settings: Settings
    public var store: Store
    let logger = Logger.cas("cas")

    public init(settings: Settings, store: Store) {
        self.settings = settings
        self.store = store
    }

    /// What the stage found.
    public struct Output: Sendable {
        /// The package (or debuginfod URL), the vmlinux link relative to the job directory, and how it matched.
        public var debuginfo: JobReport.Debuginfo
        /// The index's match, for `-m`'s module files; nil when the index had none (a debuginfod fetch).
        public var match: KernelMatch?
        /// A shared lock on the cache entry, held for the job's life so purge leaves it alone.
        public var cacheLock: DirectoryLock?

        public init(debuginfo: JobReport.Debuginfo, match: KernelMatch? = nil, cacheLock: DirectoryLock? = nil) {
            self.debuginfo = debuginfo
            self.match = match
            self.cacheLock = cacheLock
        }
    }

    public func run(identity: KernelIdentity, jobDirectory: String) async throws -> Output {
        let match: KernelMatch?
        do throws(LookupError) {
            match = try DebuginfoIndex(store: store).lookup(
                buildId: identity.buildId, release: identity.release, arch: identity.arch, banner: identity.banner)
        } catch {
            guard case .noMatch = error, debuginfod(for: identity) != nil else { throw error }
            logger.info("\(error.description); asking the debuginfod servers")
            match = nil
        }
        return try await link(match, identity: identity, jobDirectory: jobDirectory)
    }

    /// The debuginfod client for `identity`'s build ID, nil when no server is configured or the dump has none.
    func debuginfod(for identity: KernelIdentity) -> DebuginfodClient? {
        guard !settings.debuginfodUrls.isEmpty, let id = identity.buildId, DebuginfodClient.validBuildId(id) != nil
        else { return nil }
        var client = DebuginfodClient(urls: settings.debuginfodUrls)
        client.stallTimeout = settings.debuginfodTimeout
        client.progress = DebuginfodClient.terminalProgress()
        return client
    }

    /// Gets the vmlinux from the cache (extracting it from the index's package once, or fetching it from the
    /// debuginfod servers when the index has none or its package cannot be read) and links it into the job.
    func link(_ match: KernelMatch?, identity: KernelIdentity, jobDirectory: String) async throws -> Output {
        let release = identity.release ?? match?.kernel.release ?? "unknown"
        let cache = VmlinuxCache(debugs: settings.debugs, store: store)
        var debuginfo = JobReport.Debuginfo(
            package: match?.kernel.packagePath, vmlinux: nil, match: match?.explanation)
        var extracted: VmlinuxCache.Extracted?
        if let match {
            do {
                extracted = try await cache.vmlinux(for: match)
            } catch {
                switch error {
                case .extraction, .missingMembers, .buildIdMismatch:
                    guard debuginfod(for: identity) != nil else { throw error }
                    logger.warning("\(error.description); asking the debuginfod servers")
                default: throw error
                }
            }
        }
        var inPackage = match?.kernel.vmlinuxPath
        if extracted == nil {
            guard let client = debuginfod(for: identity), let buildId = identity.buildId else {
                throw DebuginfodError.noServers
            }
            let fetched = try await cache.fetch(buildId: buildId, release: identity.release, client: client)
            let source = fetched.url ?? "a debuginfod server"
            let how = "fetched from debuginfod by build ID \(buildId.lowercased()): \(source)"
            logger.info("\(fetched.extracted.extracted ? how : how + " (cached by an earlier job)")")
            debuginfo = .init(package: fetched.url, vmlinux: nil, match: how)
            extracted = fetched.extracted
            inPackage = nil
        }
        guard let extracted else { throw DebuginfodError.noServers }
        let cacheLock = extracted.entry.flatMap { try? DirectoryLock(path: $0.path, exclusive: false, wait: true) }
        logger.info("vmlinux \(extracted.extracted ? "extracted to" : "cached at") \(extracted.vmlinux.path)")
        let link = try VmlinuxLink.path(
            inPackage: inPackage, packageKind: inPackage == nil ? nil : match?.kernel.packageKind,
            package: match?.kernel.packagePath, release: release, jobDirectory: jobDirectory)
        try VmlinuxLink.link(extracted.vmlinux.path, at: link, in: jobDirectory)
        debuginfo.vmlinux = link
        return Output(debuginfo: debuginfo, match: match, cacheLock: cacheLock)
    }
}

import Foundation

/// The `debugs` cache: extracts a kernel's vmlinux (and named module debug files) from its package on first
/// use, once, and hands out the extracted path afterwards.
///
/// Layout: `debugs/<release>/<build-id or pkg-<digest>>/<path as in the package>`. Files are written under a
/// temporary name and renamed; a lock file in the entry directory makes concurrent processes extract once
/// (the second waits, then reuses). The extracted vmlinux's build ID is checked against the indexed one.
public struct VmlinuxCache: Sendable {
    /// The extracted files of one kernel.
    public struct Extracted: Sendable {
        /// The cache entry directory (what purge evicts), or nil for a loose vmlinux used in place.
        public var entry: URL?
        public var vmlinux: URL
        /// Module debug files by normalised module name; modules the package lacks are absent.
        public var modules: [String: URL]
        /// True when this call extracted something (false when everything was cached).
        public var extracted: Bool
        /// A shared lock on ``entry``, held as long as this value lives: purge does not evict a locked entry.
        public var lock: DirectoryLock?
    }

    public let debugs: String
    public let store: Store

    /// A cache rooted at `debugs` (the `debugs` setting).
    public init(debugs: String, store: Store) {
        self.debugs = debugs
        self.store = store
    }

    /// The cache entry directory for `kernel`.
    public func entryDirectory(for kernel: IndexedKernel) -> String {
        let key =
            kernel.buildId.flatMap { SafePath.isBuildId($0) ? $0 : nil }
            ?? "pkg-" + Self.digest("\(kernel.packagePath)|\(kernel.packageSize)|\(kernel.packageMtime)")
        return debugs + "/" + Self.safeComponent(kernel.release) + "/" + key
    }

    /// The vmlinux of `match` (and the module debug files named in `modules`), extracted when not yet cached.
    public func vmlinux(for match: KernelMatch, modules: [String] = []) async throws(CacheError) -> Extracted {
        let kernel = match.kernel
        if kernel.packageKind == PackageContents.Kind.vmlinux.rawValue {
            return Extracted(
                entry: nil, vmlinux: URL(fileURLWithPath: kernel.vmlinuxPath), modules: [:], extracted: false,
                lock: nil)
        }
        let entry = entryDirectory(for: kernel)
        var wanted = [kernel.vmlinuxPath]
        guard SafePath.memberComponents(kernel.vmlinuxPath) != nil else {
            throw .extraction(kernel.packagePath, "unsafe member path '\(kernel.vmlinuxPath)' (it would leave the cache)")
        }
        let modulePaths: [String: String]
        do {
            let names = modules.map { ModuleEntry.moduleName(fileName: $0 + ".ko") ?? $0 }
            // A module path that could leave the cache is left out, like a module the package lacks.
            modulePaths = try store.modulePaths(kernelId: kernel.id, names: names)
                .filter { SafePath.memberComponents($0.value) != nil }
        } catch { throw .store(error) }
        wanted += modulePaths.values.sorted()
        func target(_ inPackage: String) -> String {
            entry + "/" + (SafePath.memberComponents(inPackage) ?? []).joined(separator: "/")
        }
        func result(extracted: Bool, _ shared: DirectoryLock) -> Extracted {
            Extracted(
                entry: URL(fileURLWithPath: entry), vmlinux: URL(fileURLWithPath: target(kernel.vmlinuxPath)),
                modules: modulePaths.mapValues { URL(fileURLWithPath: target($0)) }, extracted: extracted,
                lock: shared)
        }
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: entry, withIntermediateDirectories: true) } catch {
            throw .cannotWrite(entry, (error as NSError).localizedDescription)
        }
        let shared: DirectoryLock
        do {
            guard let held = try DirectoryLock(path: entry, exclusive: false, wait: true) else {
                throw CacheError.cannotWrite(entry, "cannot lock")
            }
            shared = held
        } catch let error as CacheError {
            throw error
        } catch {
            throw .cannotWrite(entry, "\(error)")
        }
        if wanted.allSatisfy({ fm.fileExists(atPath: target($0)) }) {
            try touch(entry, kernel, size: nil)
            return result(extracted: false, shared)
        }
        let lock = try FileLock(path: entry + "/.lock")
        defer { lock.unlock() }
        let missing = wanted.filter { !fm.fileExists(atPath: target($0)) }
        if missing.isEmpty {
            try touch(entry, kernel, size: nil)
            return result(extracted: false, shared)
        }
        try PayloadExtractor.extract(
            package: kernel.packagePath, kind: kernel.packageKind, members: Set(missing), into: entry,
            verify: kernel.buildId.map { [kernel.vmlinuxPath: $0] } ?? [:])
        try touch(entry, kernel, size: Self.directorySize(entry))
        return result(extracted: true, shared)
    }

    private func touch(_ entry: String, _ kernel: IndexedKernel, size: Int64?) throws(CacheError) {
        do {
            try store.recordCacheEntry(
                path: entry, release: kernel.release, buildId: kernel.buildId, size: size ?? 0, extracted: size != nil)
        } catch { throw .store(error) }
    }

    static func directorySize(_ path: String) -> Int64 {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total: Int64 = 0
        while let name = walker.nextObject() as? String {
            total += FileSystem.size(path + "/" + name) ?? 0
        }
        return total
    }

    static func safeComponent(_ text: String) -> String {
        let cleaned = text.map { $0.isLetter || $0.isNumber || "._-+~".contains($0) ? $0 : "_" }
        let s = String(cleaned)
        return s == "." || s == ".." || s.isEmpty ? "_" : s
    }

    /// 64-bit FNV-1a of `text`, 16 hex digits: a stable key for packages without a build ID.
    static func digest(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(format: "%016llx", hash)
    }
}

/// An extraction into the `debugs` cache failed.
public enum CacheError: CASError {
    case cannotWrite(String, String)
    case extraction(String, String)
    case missingMembers(String, [String])
    case buildIdMismatch(String, expected: String, found: String?)
    case store(StoreError)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let why): "debugs cache \(path): \(why)"
        case .extraction(let package, let why): "extracting from \(package): \(why)"
        case .missingMembers(let package, let paths):
            "\(package) does not contain \(paths.joined(separator: ", ")) although the index lists it (re-run 'cas-admin -b')"
        case .buildIdMismatch(let path, let expected, let found):
            "\(path): build ID \(found ?? "none") instead of the indexed \(expected) (package changed? re-run 'cas-admin -b')"
        case .store(let error): error.description
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .cannotWrite: .cannotWrite
        case .extraction, .missingMembers, .buildIdMismatch: .noDebuginfo
        case .store(let error): error.exitStatus
        }
    }
}

/// An exclusive `flock` on a lock file, waited for; released on `unlock`, deinit or process exit.
final class FileLock {
    private var fd: Int32

    init(path: String) throws(CacheError) {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotWrite(path, String(cString: strerror(errno))) }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let why = String(cString: strerror(errno))
            close(fd)
            throw .cannotWrite(path, "cannot lock: \(why)")
        }
    }

    func unlock() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }

    deinit { unlock() }
}

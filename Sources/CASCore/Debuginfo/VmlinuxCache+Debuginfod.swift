import Foundation

extension VmlinuxCache {
    /// A vmlinux fetched from a debuginfod server (or found in the cache from an earlier fetch).
    public struct Fetched: Sendable {
        public var extracted: Extracted
        /// The URL it was downloaded from (now, or by the earlier fetch that cached it).
        public var url: String?
    }

    /// The vmlinux with `buildId`, fetched from `client`'s servers into
    /// `debugs/<release>/<build-id>/usr/lib/debug/lib/modules/<release>/vmlinux` (the RPM layout, so that a
    /// package of the same kernel indexed later finds it cached), once: the same locks as an extraction.
    public func fetch(buildId raw: String, release: String?, client: DebuginfodClient) async throws(DebuginfodError)
        -> Fetched
    {
        let component = Self.safeComponent(release ?? "unknown")
        return try fetch(
            buildId: raw, release: release, file: "usr/lib/debug/lib/modules/" + component + "/vmlinux", client: client)
    }

    /// The debug file of the module `name` with `buildId`, fetched like a vmlinux into
    /// `debugs/<release>/<build-id>/usr/lib/debug/lib/modules/<release>/<name>.ko.debug` (`vmlinux` of the
    /// result is the module's file).
    public func fetchModule(name: String, buildId raw: String, release: String?, client: DebuginfodClient)
        async throws(DebuginfodError) -> Fetched
    {
        let component = Self.safeComponent(release ?? "unknown")
        let file = "usr/lib/debug/lib/modules/" + component + "/" + Self.safeComponent(name) + ".ko.debug"
        return try fetch(buildId: raw, release: release, file: file, client: client)
    }

    /// `file` (a relative path made of safe components) of the entry `debugs/<release>/<build-id>`, fetched
    /// by `buildId` once under the entry's locks.
    func fetch(buildId raw: String, release: String?, file: String, client: DebuginfodClient)
        throws(DebuginfodError) -> Fetched
    {
        guard let buildId = DebuginfodClient.validBuildId(raw) else { throw .invalidBuildId(raw) }
        let component = Self.safeComponent(release ?? "unknown")
        let entry = debugs + "/" + component + "/" + buildId
        let vmlinux = entry + "/" + file
        let sourceFile = entry + "/.debuginfod-url"
        let fm = FileManager.default
        do {
            try fm.createDirectory(
                atPath: (vmlinux as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(entry, (error as NSError).localizedDescription)
        }
        let shared: DirectoryLock
        do {
            guard let held = try DirectoryLock(path: entry, exclusive: false, wait: true) else {
                throw DebuginfodError.cannotWrite(entry, "cannot lock")
            }
            shared = held
        } catch let error as DebuginfodError {
            throw error
        } catch {
            throw .cannotWrite(entry, "\(error)")
        }
        func result(extracted: Bool) -> Fetched {
            let url = (try? String(contentsOfFile: sourceFile, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            return Fetched(
                extracted: Extracted(
                    entry: URL(fileURLWithPath: entry), vmlinux: URL(fileURLWithPath: vmlinux), modules: [:],
                    extracted: extracted, lock: shared),
                url: url)
        }
        func record(size: Int64?) throws(DebuginfodError) {
            do {
                try store.recordCacheEntry(
                    path: entry, release: release, buildId: buildId, size: size ?? 0, extracted: size != nil)
            } catch { throw .cannotWrite(entry, error.description) }
        }
        if fm.fileExists(atPath: vmlinux) {
            try record(size: nil)
            return result(extracted: false)
        }
        let lock: FileLock
        do { lock = try FileLock(path: entry + "/.lock") } catch { throw .cannotWrite(entry, error.description) }
        defer { lock.unlock() }
        if fm.fileExists(atPath: vmlinux) {
            try record(size: nil)
            return result(extracted: false)
        }
        let fetched = try client.fetch(buildId: buildId, to: vmlinux)
        try? AtomicFile.write(Data((fetched.url + "\n").utf8), to: sourceFile, mode: 0o644)
        try record(size: Self.directorySize(entry))
        return result(extracted: true)
    }
}

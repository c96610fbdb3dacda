import Foundation

/// Streams chosen members out of an RPM's cpio payload or a Debian package's `data.tar.*` with libarchive,
/// stopping as soon as all are out.
enum PayloadExtractor {
    /// Writes each of `members` (paths as the index lists them, with a leading `/`) to `directory + path`,
    /// through a temporary name; `verify` maps a member to the build ID it must carry.
    ///
    /// Every member path is checked first (``SafePath/memberComponents(_:)``): one that could leave
    /// `directory` is refused before anything is read. Files are created relative to `directory`'s
    /// descriptor, component by component, never following a link.
    static func extract(
        package: String, kind: String, members: Set<String>, into directory: String,
        verify: [String: String]
    ) throws(CacheError) {
        for member in members where SafePath.memberComponents(member) == nil {
            throw .extraction(package, "unsafe member path '\(Escaped.text(member))' (it would leave the cache)")
        }
        if let problem = FileKind.problem(package) { throw .extraction(package, Self.explain(problem, package)) }
        let root = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard root >= 0 else { throw .cannotWrite(directory, String(cString: strerror(errno))) }
        defer { close(root) }
        var remaining = members
        do {
            let outer = try ArchiveReader(path: package)
            var reader = outer
            if kind == PackageContents.Kind.deb.rawValue {
                var data: ArchiveReader?
                while data == nil, let member = try outer.next() {
                    if member.path.hasPrefix("data.tar") {
                        data = try ArchiveReader(nestedIn: outer, entryName: member.path)
                    }
                }
                guard let data else { throw CacheError.extraction(package, "no data.tar member") }
                reader = data
            }
            while !remaining.isEmpty, let entry = try reader.next() {
                var path = entry.path
                if path.hasPrefix("./") { path.removeFirst() }
                if !path.hasPrefix("/") { path = "/" + path }
                guard entry.kind == .file, remaining.contains(path) else { continue }
                guard let components = SafePath.memberComponents(path) else { continue }
                let destination = directory + "/" + components.joined(separator: "/")
                let parent = try openParent(root, components.dropLast(), under: directory)
                defer { close(parent) }
                let name = components.last!
                try write(reader, parent: parent, name: name, destination: destination)
                if let expected = verify[path] {
                    let found = LooseVmlinux.buildId(path: destination + ".part")
                    guard found == expected else {
                        unlinkat(parent, name + ".part", 0)
                        throw CacheError.buildIdMismatch(package + ":" + path, expected: expected, found: found)
                    }
                }
                guard renameat(parent, name + ".part", parent, name) == 0 else {
                    throw CacheError.cannotWrite(destination, String(cString: strerror(errno)))
                }
                remaining.remove(path)
            }
        } catch let error as CacheError {
            throw error
        } catch {
            // libarchive's message names the package again ("X: Failed to open 'X'"): say it once, with the cause.
            var why = "\(error)"
            if why.hasPrefix(package + ": ") { why.removeFirst(package.count + 2) }
            if why.hasPrefix("Failed to open"), let problem = FileKind.problem(package) {
                why = Self.explain(problem, package)
            }
            throw .extraction(package, why)
        }
        if !remaining.isEmpty { throw .missingMembers(package, remaining.sorted()) }
    }

    /// `problem` (``FileKind/problem(_:)``) with the package's owner and mode and the fix when it is about access.
    static func explain(_ problem: String, _ package: String) -> String {
        var st = stat()
        guard problem.hasPrefix("not readable by"), stat(package, &st) == 0 else { return problem }
        let user = FileKind.userName(geteuid())
        return "\(problem) (\(FileKind.ownership(st, group: false))): "
            + "give \(user) read access to it (e.g. chmod o+r), or run cas-admin -b as \(user) to see every such package"
    }

    /// Opens (creating as needed, mode 0755) the directories `components` below `root`, never following a link.
    private static func openParent(_ root: Int32, _ components: ArraySlice<String>, under directory: String)
        throws(CacheError) -> Int32
    {
        var current = dup(root)
        var path = directory
        for component in components {
            path += "/" + component
            if mkdirat(current, component, 0o755) != 0 && errno != EEXIST {
                let why = String(cString: strerror(errno))
                close(current)
                throw .cannotWrite(path, why)
            }
            let next = openat(current, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            close(current)
            guard next >= 0 else { throw .cannotWrite(path, "exists and is not a directory (or is a link)") }
            current = next
        }
        return current
    }

    /// Copies the current member to `name.part` in `parent` (a stale one from a killed extraction is
    /// replaced: the caller holds the entry's lock).
    private static func write(_ reader: ArchiveReader, parent: Int32, name: String, destination: String) throws {
        let temporary = destination + ".part"
        unlinkat(parent, name + ".part", 0)
        let fd = openat(parent, name + ".part", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CacheError.cannotWrite(temporary, String(cString: strerror(errno))) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var first = true
        while true {
            let n = try buffer.withUnsafeMutableBytes { raw throws(ArchiveError) in try reader.read(into: raw) }
            if n == 0 { break }
            var written = 0
            while written < n {
                let w = buffer.withUnsafeBytes { raw in Foundation.write(fd, raw.baseAddress! + written, n - written) }
                if w < 0 {
                    if errno == EINTR { continue }
                    let why = String(cString: strerror(errno))
                    unlinkat(parent, name + ".part", 0)
                    throw CacheError.cannotWrite(temporary, why)
                }
                written += w
            }
            if first {
                first = false
                FaultPoint.reach("extracting-partial")
            }
        }
    }
}

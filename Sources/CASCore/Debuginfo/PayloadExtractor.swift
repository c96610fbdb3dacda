import Foundation

/// Streams chosen members out of an RPM's cpio payload or a Debian package's `data.tar.*` with libarchive,
/// stopping as soon as all are out.
enum PayloadExtractor {
    /// Writes each of `members` (paths as the index lists them, with a leading `/`) to `directory + path`,
    /// through a temporary name; `verify` maps a member to the build ID it must carry.
    static func extract(
        package: String, kind: String, members: Set<String>, into directory: String,
        verify: [String: String]
    ) throws(CacheError) {
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
                let destination = directory + path
                try write(reader, to: destination)
                if let expected = verify[path] {
                    let found = LooseVmlinux.buildId(path: destination + ".part")
                    guard found == expected else {
                        unlink(destination + ".part")
                        throw CacheError.buildIdMismatch(package + ":" + path, expected: expected, found: found)
                    }
                }
                guard rename(destination + ".part", destination) == 0 else {
                    throw CacheError.cannotWrite(destination, String(cString: strerror(errno)))
                }
                remaining.remove(path)
            }
        } catch let error as CacheError {
            throw error
        } catch {
            throw .extraction(package, "\(error)")
        }
        if !remaining.isEmpty { throw .missingMembers(package, remaining.sorted()) }
    }

    /// Copies the current member to `destination.part` (created with its directories).
    private static func write(_ reader: ArchiveReader, to destination: String) throws {
        let parent = (destination as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let temporary = destination + ".part"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
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
                    unlink(temporary)
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

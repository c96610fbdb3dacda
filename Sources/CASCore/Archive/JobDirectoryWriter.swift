import Foundation

/// Creates members strictly inside the job directory: every path is opened relative to the directory's
/// descriptor, component by component, with `O_NOFOLLOW` and `O_EXCL`, so no symlink (already there or
/// planted by the archive) can redirect a write; remembers everything it created so a failure removes it.
final class JobDirectoryWriter {
    let directory: String
    private let dirfd: Int32
    /// Created files and directories (relative paths), in creation order.
    private(set) var created: [(path: String, isDirectory: Bool)] = []

    init(directory: String) throws(ArchiveError) {
        self.directory = directory
        dirfd = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard dirfd >= 0 else { throw SparseWriter.failure(directory, "cannot open the job directory") }
    }

    deinit { close(dirfd) }

    /// Creates a new file at `components` (a unique name if taken: `vmcore.2`); returns its descriptor and path.
    func createFile(_ components: [String]) throws(ArchiveError) -> (fd: Int32, path: String) {
        let parent = try openParent(components.dropLast())
        defer { if parent != dirfd { close(parent) } }
        let prefix = components.dropLast().joined(separator: "/")
        for attempt in 1...1000 {
            let name = attempt == 1 ? components.last! : "\(components.last!).\(attempt)"
            let fd = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            let path = prefix.isEmpty ? name : prefix + "/" + name
            if fd >= 0 {
                created.append((path, false))
                return (fd, path)
            }
            if errno != EEXIST { throw SparseWriter.failure(directory + "/" + path, "cannot create") }
        }
        throw .io(directory, "too many members named \(components.last!)", .cannotWrite)
    }

    /// Hard-links `source` into the directory as `name`; false when it cannot (other file system, permissions).
    func link(_ source: String, as name: String) -> String? {
        for attempt in 1...1000 {
            let target = attempt == 1 ? name : "\(name).\(attempt)"
            if linkat(AT_FDCWD, source, dirfd, target, 0) == 0 {
                created.append((target, false))
                return target
            }
            if errno != EEXIST { return nil }
        }
        return nil
    }

    /// Removes everything this writer created, newest first.
    func removeAll() {
        for item in created.reversed() {
            _ = unlinkat(dirfd, item.path, item.isDirectory ? AT_REMOVEDIR : 0)
        }
        created = []
    }

    /// Opens (creating as needed) the directory `components` below the job directory without following links.
    private func openParent(_ components: ArraySlice<String>) throws(ArchiveError) -> Int32 {
        var current = dirfd
        var path = ""
        for component in components {
            path += (path.isEmpty ? "" : "/") + component
            if mkdirat(current, component, 0o755) == 0 {
                created.append((path, true))
            } else if errno != EEXIST {
                if current != dirfd { close(current) }
                throw SparseWriter.failure(directory + "/" + path, "cannot create directory")
            }
            let next = openat(current, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if current != dirfd { close(current) }
            guard next >= 0 else {
                throw .unsafe(layer: directory, member: path, why: "exists and is not a directory")
            }
            current = next
        }
        return current
    }
}

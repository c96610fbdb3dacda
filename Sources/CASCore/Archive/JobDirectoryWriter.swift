import Foundation

/// Creates members strictly inside the job directory's `input/` folder (``JobLayout/input``), so no name
/// from an upload can stand in for a file CAS writes (`crash.in`, `sys`, `job.json`, `NOPURGE`…).
///
/// Every path is opened relative to the folder's descriptor, component by component, with `O_NOFOLLOW`
/// and `O_EXCL`, so no symlink (already there or planted by the archive) can redirect a write; remembers
/// everything it created so a failure removes it. Paths it returns are relative to the job directory.
final class JobDirectoryWriter {
    let directory: String
    private let jobfd: Int32
    /// The `input/` folder, made on first use.
    private var inputfd: Int32 = -1
    /// Created files and directories (relative to the job directory), in creation order.
    private(set) var created: [(path: String, isDirectory: Bool)] = []

    init(directory: String) throws(ArchiveError) {
        self.directory = directory
        jobfd = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard jobfd >= 0 else { throw SparseWriter.failure(directory, "cannot open the job directory") }
    }

    deinit {
        if inputfd >= 0 { close(inputfd) }
        close(jobfd)
    }

    /// The `input/` folder's descriptor, creating the folder (new, never an existing one) on first use.
    private var dirfd: Int32 {
        get throws(ArchiveError) {
            if inputfd >= 0 { return inputfd }
            guard mkdirat(jobfd, JobLayout.input, 0o750) == 0 else {
                throw SparseWriter.failure(directory + "/" + JobLayout.input, "cannot create")
            }
            created.append((JobLayout.input, true))
            inputfd = openat(jobfd, JobLayout.input, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard inputfd >= 0 else { throw SparseWriter.failure(directory + "/" + JobLayout.input, "cannot open") }
            return inputfd
        }
    }

    private static func inInput(_ path: String) -> String { JobLayout.input + "/" + path }

    /// Creates a new file at `components` (a unique name if taken: `vmcore.2`); returns its descriptor and path.
    func createFile(_ components: [String]) throws(ArchiveError) -> (fd: Int32, path: String) {
        let base = try dirfd
        let parent = try openParent(components.dropLast())
        defer { if parent != base { close(parent) } }
        let prefix = components.dropLast().joined(separator: "/")
        for attempt in 1...1000 {
            let name = attempt == 1 ? components.last! : "\(components.last!).\(attempt)"
            let fd = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            let path = Self.inInput(prefix.isEmpty ? name : prefix + "/" + name)
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
        guard let base = try? dirfd else { return nil }
        for attempt in 1...1000 {
            let target = attempt == 1 ? name : "\(name).\(attempt)"
            if linkat(AT_FDCWD, source, base, target, 0) == 0 {
                created.append((Self.inInput(target), false))
                return Self.inInput(target)
            }
            if errno != EEXIST { return nil }
        }
        return nil
    }

    /// Removes everything this writer created, newest first.
    func removeAll() {
        for item in created.reversed() {
            _ = unlinkat(jobfd, item.path, item.isDirectory ? AT_REMOVEDIR : 0)
        }
        if inputfd >= 0 { close(inputfd) }
        inputfd = -1
        created = []
    }

    /// Opens (creating as needed) the directory `components` below the job directory without following links.
    private func openParent(_ components: ArraySlice<String>) throws(ArchiveError) -> Int32 {
        let base = try dirfd
        var current = base
        var path = ""
        for component in components {
            path += (path.isEmpty ? "" : "/") + component
            if mkdirat(current, component, 0o750) == 0 {
                created.append((Self.inInput(path), true))
            } else if errno != EEXIST {
                if current != base { close(current) }
                throw SparseWriter.failure(directory + "/" + Self.inInput(path), "cannot create directory")
            }
            let next = openat(current, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if current != base { close(current) }
            guard next >= 0 else {
                throw .unsafe(layer: directory, member: path, why: "exists and is not a directory")
            }
            current = next
        }
        return current
    }
}

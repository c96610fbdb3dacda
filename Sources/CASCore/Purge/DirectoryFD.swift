import Foundation

/// An open directory file descriptor: every purge step works relative to one, never through a path.
///
/// Children are opened with `O_NOFOLLOW | O_DIRECTORY` and examined with `AT_SYMLINK_NOFOLLOW`, so a
/// symlink anywhere below the root is seen as a link (and at most unlinked), never followed, and a
/// directory renamed or replaced during the walk cannot redirect a removal elsewhere.
final class DirectoryFD {
    let fd: Int32
    /// The path this descriptor was reached by, for messages only.
    let path: String

    /// Opens the directory at `path`; `followLink` only for the configured root itself.
    init(path: String, followLink: Bool) throws(PurgeError) {
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (followLink ? 0 : O_NOFOLLOW))
        let reason = Self.lastError()
        self.path = path
        guard fd >= 0 else { throw .cannotOpen(path, reason) }
    }

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// Opens the child directory `name` without following a symlink; nil with the reason when it cannot.
    func child(_ name: String) -> Result<DirectoryFD, PurgeError> {
        let childFD = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard childFD >= 0 else {
            let reason = Self.lastError()
            return .failure(.cannotOpen(path + "/" + name, reason))
        }
        return .success(DirectoryFD(fd: childFD, path: path + "/" + name))
    }

    /// `lstat` of the entry `name`, nil when it does not exist or cannot be statted.
    func lstat(_ name: String) -> stat? {
        var st = stat()
        return fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st : nil
    }

    /// `fstat` of this directory itself.
    func status() -> stat? {
        var st = stat()
        return fstat(fd, &st) == 0 ? st : nil
    }

    /// True when `name` exists as anything (a file, a directory, even a dangling symlink).
    func has(_ name: String) -> Bool { lstat(name) != nil }

    /// The names in this directory, without `.` and `..`.
    func names() throws(PurgeError) -> [String] {
        let copy = dup(fd)
        guard copy >= 0, let stream = fdopendir(copy) else {
            let reason = Self.lastError()
            if copy >= 0 { close(copy) }
            throw .cannotOpen(path, reason)
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var result: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    String(cString: $0)
                }
            }
            if name != "." && name != ".." { result.append(name) }
        }
        return result
    }

    /// Tries an exclusive non-blocking `flock` on this directory (the job and cache lock protocol of
    /// ``DirectoryLock``); false when another process holds a conflicting lock. Kept until close.
    func tryLockExclusive() -> Bool { lock(exclusive: true, wait: false) }

    /// Takes a `flock` on this directory; false when `wait` is false and another process holds a conflicting one.
    func lock(exclusive: Bool, wait: Bool) -> Bool {
        while flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            return false
        }
        return true
    }

    /// The target of the symlink `name`, nil when it is not a readable symlink.
    func readLink(_ name: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlinkat(fd, name, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Replaces (or creates) the symlink `name` with one pointing at `target`, atomically.
    func replaceLink(_ name: String, target: String) -> Bool {
        let temporary = ".\(name).purge-\(getpid())"
        unlinkat(fd, temporary, 0)
        guard symlinkat(target, fd, temporary) == 0 else { return false }
        guard renameat(fd, temporary, fd, name) == 0 else {
            unlinkat(fd, temporary, 0)
            return false
        }
        return true
    }

    /// Removes the entry `name`: a directory with `AT_REMOVEDIR`, anything else (symlinks too) as a link.
    func remove(_ name: String, directory: Bool) -> Int32? {
        unlinkat(fd, name, directory ? AT_REMOVEDIR : 0) == 0 ? nil : errno
    }

    static func lastError() -> String { String(cString: strerror(errno)) }

    static func isDirectory(_ st: stat) -> Bool { (st.st_mode & S_IFMT) == S_IFDIR }
}

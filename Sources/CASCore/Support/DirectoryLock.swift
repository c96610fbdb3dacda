import Foundation

/// An advisory `flock` on a directory, held while a job works in it or uses a cache entry.
///
/// Protocol shared by the stages: a running job holds an exclusive lock on its job directory for its
/// whole life (purge skips a directory it cannot lock); a job holds a shared lock on each `debugs`
/// cache entry directory it uses (eviction skips an entry it cannot lock exclusively). The kernel drops
/// the lock when the process dies, so a killed job never leaves a stale lock.
public final class DirectoryLock: @unchecked Sendable {
    public let path: String
    private var fd: Int32

    /// Locks `path` (a directory); with `wait: false` returns nil when someone else holds a conflicting lock.
    public init?(path: String, exclusive: Bool, wait: Bool) throws(ByteSourceError) {
        self.path = path
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ByteSourceError(
                path: path, reason: "cannot open to lock: \(String(cString: strerror(errno)))", exitStatus: .cannotWrite)
        }
        var operation = exclusive ? LOCK_EX : LOCK_SH
        if !wait { operation |= LOCK_NB }
        while flock(fd, operation) != 0 {
            if errno == EINTR { continue }
            close(fd)
            if errno == EWOULDBLOCK { return nil }
            throw ByteSourceError(
                path: path, reason: "cannot lock: \(String(cString: strerror(errno)))", exitStatus: .cannotWrite)
        }
    }

    /// True when some process holds a lock on `path` that conflicts with an exclusive one.
    public static func isHeld(_ path: String) -> Bool {
        guard let probe = try? DirectoryLock(path: path, exclusive: true, wait: false) else { return true }
        probe.unlock()
        return false
    }

    /// Releases the lock now (it is also released on deinit and when the process exits).
    public func unlock() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }

    deinit { unlock() }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The one way CAS writes a file of its own: never through a file that is already there.
///
/// ``write(_:to:mode:)`` writes a new temporary file beside the target (`O_CREAT|O_EXCL|O_NOFOLLOW`) and
/// renames it over the target, so whatever inode sat at that name (a customer's file, a hard link to the
/// upload, a symlink) is replaced, never written. ``create(_:at:mode:)`` makes a file that must not exist yet.
public enum AtomicFile {
    /// Writes `data` to `path` by temporary file and rename.
    public static func write(_ data: Data, to path: String, mode: mode_t = 0o640) throws(AtomicFileError) {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        var temporary = ""
        var fd: Int32 = -1
        for attempt in 0..<100 {
            temporary = (directory.isEmpty ? "" : directory + "/") + ".\(name).\(getpid()).\(attempt).tmp"
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw AtomicFileError(path: path, reason: String(cString: strerror(errno))) }
        do throws(AtomicFileError) {
            try fill(fd, with: data, path: path)
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw AtomicFileError(path: path, reason: reason)
        }
    }

    /// Points `path` at `target` by a new symlink beside it renamed over `path` (a `latest` link).
    public static func symlink(_ target: String, at path: String) throws(AtomicFileError) {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = (directory.isEmpty ? "" : directory + "/") + ".\((path as NSString).lastPathComponent).\(getpid())"
        unlink(temporary)
        guard Glibc.symlink(target, temporary) == 0 else {
            throw AtomicFileError(path: temporary, reason: String(cString: strerror(errno)))
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw AtomicFileError(path: path, reason: reason)
        }
    }

    /// Creates `path` with `data`; fails (`File exists`) when anything, even a dangling link, is at that name.
    public static func create(_ data: Data, at path: String, mode: mode_t = 0o640) throws(AtomicFileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw AtomicFileError(path: path, reason: String(cString: strerror(errno))) }
        do throws(AtomicFileError) {
            try fill(fd, with: data, path: path)
        } catch {
            unlink(path)
            throw error
        }
    }

    /// Writes everything and closes.
    private static func fill(_ fd: Int32, with data: Data, path: String) throws(AtomicFileError) {
        defer { close(fd) }
        let failure: Int32? = data.withUnsafeBytes { buffer -> Int32? in
            var offset = 0
            while offset < buffer.count {
                let wrote = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if wrote < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += wrote
            }
            return nil
        }
        if let failure { throw AtomicFileError(path: path, reason: String(cString: strerror(failure))) }
    }
}

/// A job or cache file that could not be written: the path and the system's reason.
public struct AtomicFileError: CASError, Equatable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot write \(path): \(reason.lowercased())" }
    public var exitStatus: ExitStatus { .cannotWrite }
}

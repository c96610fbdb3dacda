import Foundation

/// Random-access reads over a dump or a stream: what header parsers read through, so they never
/// load a whole file. Every read is bounded by the caller; reads past the end return fewer bytes.
public protocol ByteSource: AnyObject {
    /// Total size in bytes when known (a file), nil for a stream of unknown length.
    var size: Int64? { get }
    /// Up to `count` bytes at `offset`; fewer (possibly none) at the end of the data.
    func read(at offset: Int64, count: Int) throws(ByteSourceError) -> [UInt8]
}

/// A read failed below the parser (I/O error, broken stream, data beyond what a stream keeps).
public struct ByteSourceError: CASError {
    public var path: String
    public var reason: String
    public var exitStatus: ExitStatus

    public init(path: String, reason: String, exitStatus: ExitStatus = .badInput) {
        self.path = path
        self.reason = reason
        self.exitStatus = exitStatus
    }

    public var description: String { "\(path): \(reason)" }
}

/// A ``ByteSource`` over a regular file, read with `pread`.
public final class FileByteSource: ByteSource {
    public let path: String
    public let size: Int64?
    private let fd: Int32

    /// Opens `path` read-only.
    public init(path: String) throws(ByteSourceError) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw ByteSourceError(path: path, reason: "cannot open: \(reason)", exitStatus: .noInput)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            close(fd)
            throw ByteSourceError(path: path, reason: "cannot stat", exitStatus: .noInput)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw ByteSourceError(path: path, reason: "not a regular file", exitStatus: .noInput)
        }
        size = Int64(st.st_size)
    }

    deinit { close(fd) }

    public func read(at offset: Int64, count: Int) throws(ByteSourceError) -> [UInt8] {
        guard offset >= 0, count > 0, let size, offset < size else { return [] }
        let wanted = Int(min(Int64(count), size - offset))
        var bytes = [UInt8](repeating: 0, count: wanted)
        var done = 0
        while done < wanted {
            let n = bytes.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + done, wanted - done, off_t(offset) + off_t(done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw ByteSourceError(path: path, reason: "read error: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            done += n
        }
        return done == wanted ? bytes : Array(bytes.prefix(done))
    }
}

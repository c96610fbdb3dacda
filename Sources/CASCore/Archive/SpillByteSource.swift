import Foundation

/// Random access to a compressed member: the member is decompressed forward only as far as a read needs,
/// and what was decompressed is kept in an unlinked temporary file (sparse: runs of zeros are not
/// written), so reads back are cheap `pread`s and memory stays bounded.
///
/// For readers that jump around a dump (the kernel log's descriptors, text and page tables) where
/// ``StreamByteSource``'s forward window cannot serve them. The temporary file disappears with this object.
public final class SpillByteSource: ByteSource {
    private let stream: MemberStream
    private let name: String
    private let limit: Int64
    private let fd: Int32
    /// Bytes decompressed (and spilled) so far.
    public private(set) var bytesRead: Int64 = 0
    private var ended = false
    /// The declared size when the archive says; nil for bare streams.
    public let size: Int64?

    /// Spills `stream` into a temporary file in `directory` (default: `$TMPDIR` or /tmp); never past `limit` bytes.
    public init(stream: MemberStream, name: String, size: Int64?, limit: Int64, directory: String? = nil)
        throws(ByteSourceError)
    {
        self.stream = stream
        self.name = name
        self.size = size
        self.limit = limit
        let base = directory ?? ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array((base + "/cas-spill-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw ByteSourceError(
                path: name, reason: "cannot create a temporary file in \(base): \(String(cString: strerror(errno)))",
                exitStatus: .cannotWrite)
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
    }

    deinit { close(fd) }

    public func read(at offset: Int64, count: Int) throws(ByteSourceError) -> [UInt8] {
        guard offset >= 0, count > 0, offset <= Int64.max - Int64(count) else { return [] }
        let end = offset + Int64(count)
        guard end <= limit || bytesRead >= end else {
            throw ByteSourceError(
                path: name, reason: "needs data past the first \(ByteCount.format(limit)) of a compressed member")
        }
        while bytesRead < end, !ended {
            do {
                let more = try stream.nextChunk { (chunk) throws(ArchiveError) in
                    try spill(chunk)
                }
                if !more { ended = true }
            } catch {
                throw ByteSourceError(path: name, reason: error.description)
            }
        }
        guard offset < bytesRead else { return [] }
        let wanted = Int(min(end, bytesRead) - offset)
        var bytes = [UInt8](repeating: 0, count: wanted)
        var done = 0
        while done < wanted {
            let n = bytes.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + done, wanted - done, off_t(offset) + off_t(done))
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw ByteSourceError(path: name, reason: "temporary file read error: \(String(cString: strerror(errno)))")
            }
            done += n
        }
        return bytes
    }

    /// Writes `chunk` at the end of what was spilled, leaving holes for 4 KiB runs of zeros.
    private func spill(_ chunk: UnsafeRawBufferPointer) throws(ArchiveError) {
        let block = 4096
        var start = 0
        while start < chunk.count {
            let stop = min(chunk.count, start + block)
            let piece = UnsafeRawBufferPointer(rebasing: chunk[start..<stop])
            if !piece.allSatisfy({ $0 == 0 }) {
                var done = 0
                while done < piece.count {
                    let n = pwrite(fd, piece.baseAddress! + done, piece.count - done, off_t(bytesRead) + off_t(done))
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else {
                        throw ArchiveError.io(name, "temporary file write error: \(String(cString: strerror(errno)))", .cannotWrite)
                    }
                    done += n
                }
            }
            bytesRead += Int64(piece.count)
            start = stop
        }
        // A trailing hole still counts as data: extend the file so reads of it return zeros.
        if ftruncate(fd, off_t(bytesRead)) != 0 {
            throw ArchiveError.io(name, "temporary file error: \(String(cString: strerror(errno)))", .cannotWrite)
        }
    }
}

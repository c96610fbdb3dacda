import Foundation

/// Writes a member into an open file, leaving every all-zero 4 KiB-aligned block as a hole,
/// so mostly-empty dumps cost only the disk their data needs.
struct SparseWriter {
    static let blockSize = 4096
    private static let zeros = [UInt8](repeating: 0, count: blockSize)
    let fd: Int32
    let path: String
    /// Logical size written so far (holes included).
    private(set) var position: Int64 = 0
    /// Bytes actually written (not holes).
    private(set) var dataBytes: Int64 = 0

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// Appends `bytes`.
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(ArchiveError) {
        guard let base = bytes.baseAddress else { return }
        var index = 0
        let count = bytes.count
        while index < count {
            // Piece up to the next 4 KiB boundary of the file offset.
            let intoBlock = Int(position % Int64(Self.blockSize))
            let piece = min(Self.blockSize - intoBlock, count - index)
            if intoBlock == 0, piece == Self.blockSize, memcmp(base + index, Self.zeros, piece) == 0 {
                position += Int64(piece)
                index += piece
                continue
            }
            // Coalesce a run of non-zero (or partial) blocks into one write.
            var run = piece
            while index + run < count {
                let next = min(Self.blockSize, count - index - run)
                if next == Self.blockSize, memcmp(base + index + run, Self.zeros, next) == 0 { break }
                run += next
            }
            try writeAll(base + index, run, at: position)
            position += Int64(run)
            dataBytes += Int64(run)
            index += run
        }
    }

    /// Sets the final size, so trailing holes count.
    func finish() throws(ArchiveError) {
        if ftruncate(fd, off_t(position)) != 0 { throw Self.failure(path, "cannot set size") }
    }

    private func writeAll(_ pointer: UnsafeRawPointer, _ count: Int, at offset: Int64) throws(ArchiveError) {
        var done = 0
        while done < count {
            let n = pwrite(fd, pointer + done, count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                if errno == ENOSPC || errno == EDQUOT { throw .noSpace(member: path, need: nil, free: 0, mount: "") }
                throw Self.failure(path, "cannot write")
            }
            done += n
        }
    }

    static func failure(_ path: String, _ what: String) -> ArchiveError {
        .io(path, "\(what): \(String(cString: strerror(errno)))", .cannotWrite)
    }
}

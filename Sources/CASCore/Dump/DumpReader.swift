/// The thin reading side of the parsers: exact, bounded reads from a ``ByteSource`` that turn short
/// reads into ``DumpError/truncated(_:_:)`` and absurd offsets or sizes into ``DumpError/corrupt(_:_:)``.
struct DumpReader {
    /// Largest offset any dump field may hold (1 PiB): beyond it the value is garbage, not a big dump.
    static let maxOffset: UInt64 = 1 << 50

    let source: any ByteSource
    let name: String

    /// Exactly `count` bytes at `offset`, for the header part named `what`.
    func read(at offset: Int64, count: Int, what: String) throws(DumpError) -> [UInt8] {
        let bytes: [UInt8]
        do { bytes = try source.read(at: offset, count: count) } catch { throw .read(error) }
        guard bytes.count == count else {
            throw .truncated(name, "\(what) needs \(count) bytes at offset \(offset), file ends after \(bytes.count)")
        }
        return bytes
    }

    /// Up to `count` bytes at `offset` (fewer at the end), for scans that tolerate the end of the data.
    func readUpTo(at offset: Int64, count: Int) throws(DumpError) -> [UInt8] {
        do { return try source.read(at: offset, count: count) } catch { throw .read(error) }
    }

    /// Checks a region read from a header field: the size within `cap`, the offset sane, and the region
    /// inside the file when its size is known. Returns the offset and size ready for ``read(at:count:what:)``.
    func region(offset: UInt64, size: UInt64, cap: Int, what: String) throws(DumpError) -> (offset: Int64, count: Int) {
        guard size <= UInt64(cap) else {
            throw .corrupt(name, "\(what) claims \(size) bytes (more than the \(cap)-byte limit)")
        }
        guard offset <= Self.maxOffset else {
            throw .corrupt(name, "\(what) offset \(offset) is impossible")
        }
        if let fileSize = source.size, offset + size > UInt64(max(0, fileSize)) {
            throw .truncated(
                name, "\(what) at offset \(offset) (\(size) bytes) lies past the end of the file (\(fileSize) bytes)")
        }
        return (Int64(offset), Int(size))
    }
}

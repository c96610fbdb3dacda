/// The dump a makedumpfile flattened stream describes, readable at random offsets without reassembling it.
///
/// The stream is a 4096-byte header (`makedumpfile\0\0\0\0`, type, version) followed by records
/// `{offset: Int64 BE, size: Int64 BE, data}` ending with `{-1, -1}`. Records are indexed lazily: only as
/// many record headers are read (seeking over the data) as a request needs, and a read is served from the
/// records overlapping it; when records overlap, the first in the stream wins.
final class FlattenedByteSource: ByteSource {
    static let headerSize: Int64 = 4096
    static let recordHeaderSize = 16
    /// Largest record makedumpfile could write (its buffers are a few MiB); anything larger is corruption.
    static let maxRecordSize: Int64 = 1 << 30
    /// Record headers indexed at most (24 MiB of index); a request not covered by then reads as absent.
    static let maxRecords = 1 << 20

    struct Record: Equatable {
        var offset: Int64
        var size: Int64
        var dataAt: Int64
    }

    private let base: any ByteSource
    private let name: String
    private(set) var records: [Record] = []
    private var nextRecordAt = FlattenedByteSource.headerSize
    private var ended = false
    /// Set when the end marker was read: the records seen are all there are.
    private var complete = false
    /// Set when the index limit stopped the indexing before the end marker.
    private var exhausted = false
    /// End of the furthest record indexed so far.
    private var dataEnd: Int64 = 0
    /// Set when a record header is impossible; the reads then fail with this reason.
    private(set) var corruption: String?

    init(base: any ByteSource, name: String) {
        self.base = base
        self.name = name
    }

    /// The reassembled size, known once the end of the records has been reached.
    var size: Int64? {
        complete && !exhausted ? dataEnd : nil
    }

    func read(at offset: Int64, count: Int) throws(ByteSourceError) -> [UInt8] {
        guard offset >= 0, count > 0, offset <= DumpReader.maxOffset.asInt64 - Int64(count) else { return [] }
        var output = [UInt8](repeating: 0, count: count)
        var filled = [Bool](repeating: false, count: count)
        var remaining = count
        for record in records where remaining > 0 {
            remaining -= try copy(record, into: &output, filled: &filled, at: offset)
        }
        while remaining > 0, !ended, !exhausted, let record = try indexNext() {
            remaining -= try copy(record, into: &output, filled: &filled, at: offset)
        }
        if remaining == 0 { return output }
        // Not covered: holes inside a complete dump read as zeros; a truncated stream ends at its last byte.
        let last = filled.lastIndex(of: true).map { $0 + 1 } ?? 0
        let end = size.map { Int(max(0, min(Int64(count), $0 - offset))) } ?? last
        return Array(output.prefix(max(last, end)))
    }

    /// Copies the part of `record` overlapping the request into the still-unfilled bytes; returns how many it filled.
    private func copy(_ record: Record, into output: inout [UInt8], filled: inout [Bool], at offset: Int64)
        throws(ByteSourceError) -> Int
    {
        let start = max(offset, record.offset)
        let end = min(offset + Int64(output.count), record.offset + record.size)
        guard start < end else { return 0 }
        let data = try base.read(at: record.dataAt + (start - record.offset), count: Int(end - start))
        var newly = 0
        for (index, byte) in data.enumerated() {
            let position = Int(start - offset) + index
            if !filled[position] {
                filled[position] = true
                output[position] = byte
                newly += 1
            }
        }
        if data.count < Int(end - start) { ended = true }
        return newly
    }

    /// Reads the next record header; nil at the end marker or the end of the stream.
    private func indexNext() throws(ByteSourceError) -> Record? {
        let bytes = try base.read(at: nextRecordAt, count: Self.recordHeaderSize)
        let header = HeaderBytes(bytes, order: .big)
        guard bytes.count == Self.recordHeaderSize, let offset = header.i64(0), let size = header.i64(8) else {
            ended = true
            return nil
        }
        if offset == -1 && size == -1 {
            ended = true
            complete = true
            return nil
        }
        guard records.count < Self.maxRecords else {
            exhausted = true
            return nil
        }
        guard offset >= 0, offset <= DumpReader.maxOffset.asInt64, size >= 0, size <= Self.maxRecordSize else {
            let why = "record at stream offset \(nextRecordAt) claims offset \(offset), size \(size)"
            corruption = why
            ended = true
            throw ByteSourceError(path: name, reason: "corrupt flattened dump: \(why)")
        }
        var record = Record(offset: offset, size: size, dataAt: nextRecordAt + Int64(Self.recordHeaderSize))
        if let streamSize = base.size, record.dataAt + size > streamSize {
            record.size = max(0, streamSize - record.dataAt)  // the stream was cut inside this record
            ended = true
        }
        records.append(record)
        dataEnd = max(dataEnd, offset + size)
        nextRecordAt = record.dataAt + size
        return record
    }
}

extension UInt64 {
    /// This value as an Int64 (callers use it only for values below 2^63).
    var asInt64: Int64 { Int64(clamping: self) }
}

/// The logical kdump file inside makedumpfile's flattened format (`makedumpfile -F`), read without
/// reassembling it: a 4096-byte header, then records of {offset, size} (big-endian int64) and data.
///
/// Records are indexed lazily in file order, only as far as a read needs, so the headers near the
/// start of the logical file are served after reading a few record headers.
final class FlattenedSource: ByteSource {
    struct Record {
        var logicalOffset: Int64
        var size: Int64
        var dataOffset: Int64
    }

    static let headerSize: Int64 = 4096
    static let maxRecords = 10_000_000

    private let base: any ByteSource
    private let name: String
    private var records: [Record] = []
    private var next: Int64 = FlattenedSource.headerSize
    private var finished = false

    /// The logical size is not known without reading every record.
    var size: Int64? { nil }

    init(_ base: any ByteSource, name: String) {
        self.base = base
        self.name = name
    }

    func read(at offset: Int64, count: Int) throws(ByteSourceError) -> [UInt8] {
        guard offset >= 0, count > 0 else { return [] }
        let end = offset + Int64(count)
        while !finished, !covered(offset, end) { try scanOne() }
        var out = [UInt8](repeating: 0, count: count)
        var filled = [Bool](repeating: false, count: count)
        for record in records where record.logicalOffset < end && record.logicalOffset + record.size > offset {
            let from = max(offset, record.logicalOffset)
            let to = min(end, record.logicalOffset + record.size)
            let bytes = try base.read(at: record.dataOffset + (from - record.logicalOffset), count: Int(to - from))
            for (i, byte) in bytes.enumerated() {
                out[Int(from - offset) + i] = byte
                filled[Int(from - offset) + i] = true
            }
        }
        // Bytes no record wrote are past the logical end (or holes at the end of what was read).
        let valid = filled.lastIndex(of: true).map { $0 + 1 } ?? 0
        return Array(out.prefix(valid))
    }

    private func covered(_ start: Int64, _ end: Int64) -> Bool {
        var position = start
        for record in records.sorted(by: { $0.logicalOffset < $1.logicalOffset }) {
            if record.logicalOffset > position { break }
            position = max(position, record.logicalOffset + record.size)
            if position >= end { return true }
        }
        return position >= end
    }

    private func scanOne() throws(ByteSourceError) {
        let header = try base.read(at: next, count: 16)
        guard header.count == 16 else {
            finished = true
            return
        }
        let b = Bytes(header, bigEndian: true)
        let offset = b.i64(0) ?? -1
        let size = b.i64(8) ?? -1
        if offset == -1 && size == -1 {
            finished = true
            return
        }
        guard offset >= 0, size >= 0, size <= 1 << 34, records.count < Self.maxRecords else {
            throw ByteSourceError(path: name, reason: "corrupt flattened record at file offset \(next): offset \(offset), size \(size)")
        }
        records.append(Record(logicalOffset: offset, size: size, dataOffset: next + 16))
        next += 16 + size
    }
}

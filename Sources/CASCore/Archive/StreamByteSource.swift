/// A ``ByteSource`` over a member streamed out of an archive: it decompresses only as far as the reads ask,
/// keeping what it has read so header parsers can read at increasing offsets (and look back) without the
/// member ever being written to disk. Memory is bounded by `limit`: a read needing more than that fails
/// with a clear message instead of growing.
public final class StreamByteSource: ByteSource {
    private let stream: MemberStream
    private let name: String
    private let limit: Int
    private var buffer: [UInt8] = []
    private var ended = false
    /// The declared size when the archive says; nil for bare streams.
    public let size: Int64?

    /// Reads `stream`; `size` as declared; keeps at most `limit` bytes.
    public init(stream: MemberStream, name: String, size: Int64?, limit: Int) {
        self.stream = stream
        self.name = name
        self.size = size
        self.limit = limit
    }

    /// Bytes decompressed so far.
    public var bytesRead: Int64 { Int64(buffer.count) }

    public func read(at offset: Int64, count: Int) throws(ByteSourceError) -> [UInt8] {
        guard offset >= 0, count > 0 else { return [] }
        let end = offset + Int64(count)
        guard end <= Int64(limit) else {
            let keep = ByteCount.format(Int64(limit))
            throw ByteSourceError(
                path: name, reason: "needs data past the first \(keep) of a compressed member; unpack it to read further")
        }
        while Int64(buffer.count) < end, !ended {
            do {
                let more = try stream.nextChunk { chunk in buffer.append(contentsOf: chunk) }
                if !more { ended = true }
            } catch {
                throw ByteSourceError(path: name, reason: error.description)
            }
        }
        guard offset < Int64(buffer.count) else { return [] }
        let upper = Int(min(end, Int64(buffer.count)))
        return Array(buffer[Int(offset)..<upper])
    }
}

/// A ``ByteSource`` over a member streamed out of an archive: it decompresses only as far as the reads ask,
/// so header parsers read at increasing offsets without the member ever being written to disk.
///
/// It keeps the member's first `headSize` bytes (the headers, read again and again) and a window of the most
/// recent `windowSize` bytes; what lies between is decompressed and dropped, so memory stays bounded however
/// far the parser reads. A read before the window (outside the head) or past `limit` fails with a clear message.
public final class StreamByteSource: ByteSource {
    /// How a read before the forward window starts its reason (callers may retry with random access).
    public static let readBackReason = "reads back"
    private let stream: MemberStream
    private let name: String
    private let limit: Int64
    private let headSize: Int
    private let windowSize: Int
    private var head: [UInt8] = []
    private var window: [UInt8] = []
    /// Member offset of `window[0]`.
    private var windowStart: Int64 = 0
    private var ended = false
    /// The declared size when the archive says; nil for bare streams.
    public let size: Int64?

    /// Reads `stream`; `size` as declared; never reads past `limit` bytes of the member.
    public init(stream: MemberStream, name: String, size: Int64?, limit: Int, headSize: Int = 1 << 20,
                windowSize: Int = 4 << 20) {
        self.stream = stream
        self.name = name
        self.size = size
        self.limit = Int64(limit)
        self.headSize = headSize
        self.windowSize = windowSize
    }

    /// Bytes decompressed so far.
    public var bytesRead: Int64 { windowStart + Int64(window.count) }

    public func read(at offset: Int64, count: Int) throws(ByteSourceError) -> [UInt8] {
        guard offset >= 0, count > 0 else { return [] }
        let end = offset + Int64(count)
        guard end <= limit else {
            throw ByteSourceError(path: name, reason: "needs data past the first \(ByteCount.format(limit)) "
                + "of a compressed member; unpack it to read further")
        }
        if end <= Int64(head.count) { return Array(head[Int(offset)..<Int(end)]) }
        while bytesRead < end, !ended {
            do {
                let more = try stream.nextChunk { chunk in append(chunk, keepingFrom: offset) }
                if !more { ended = true }
            } catch {
                throw ByteSourceError(path: name, reason: error.description)
            }
        }
        if end <= Int64(head.count) { return Array(head[Int(offset)..<Int(end)]) }
        guard offset >= windowStart else {
            throw ByteSourceError(path: name, reason: Self.readBackReason + " before the last \(ByteCount.format(Int64(windowSize))) "
                + "of a compressed member; unpack it to read it")
        }
        guard offset < bytesRead else { return [] }
        let from = Int(offset - windowStart)
        let upper = Int(min(end, bytesRead) - windowStart)
        return Array(window[from..<upper])
    }

    private func append(_ chunk: UnsafeRawBufferPointer, keepingFrom offset: Int64) {
        if head.count < headSize, windowStart + Int64(window.count) == Int64(head.count) {
            let take = min(headSize - head.count, chunk.count)
            head.append(contentsOf: chunk.prefix(take))
        }
        window.append(contentsOf: chunk)
        if window.count > 2 * windowSize {
            // Drop the oldest bytes in one go (not per chunk), never those of the read in progress.
            let drop = min(window.count - windowSize, Int(max(offset - windowStart, 0)))
            if drop > 0 {
                window.removeFirst(drop)
                windowStart += Int64(drop)
            }
        }
    }
}

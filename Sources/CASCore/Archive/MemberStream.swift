/// The data of one final member, read forward once, straight from the decompressing reader.
///
/// ``peek(_:)`` looks at the first bytes (to tell a dump by its magic) without losing them:
/// ``nextChunk(_:)`` delivers them again before the rest.
public final class MemberStream {
    private let reader: ArchiveReader
    private var pending: [UInt8] = []
    private var ended = false
    /// Bytes handed out by ``nextChunk(_:)`` so far.
    public private(set) var delivered: Int64 = 0
    /// Where the member sits, for messages ("case.zip ⊃ vmcore.tar.gz").
    public let layer: String
    /// The member's name, for messages.
    public let member: String

    /// Set when reading an archive member's data straight from its archive: read with holes filled in
    /// (`archive_read_data`), since the zero-copy blocks of a sparse member leave the holes out.
    private var copyBuffer: UnsafeMutableRawBufferPointer?

    /// `replay`: bytes of the member already read from `reader`, delivered first; the rest is read from
    /// the member with sparse holes filled.
    init(reader: ArchiveReader, layer: String, member: String, replay: [UInt8]) {
        self.reader = reader
        pending = replay
        copyBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        self.layer = layer
        self.member = member
    }

    deinit { copyBuffer?.deallocate() }

    init(reader: ArchiveReader, layer: String, member: String) {
        self.reader = reader
        self.layer = layer
        self.member = member
    }

    /// Up to `count` leading bytes of the member (fewer when it is shorter); they stay unread.
    public func peek(_ count: Int) throws(ArchiveError) -> [UInt8] {
        while pending.count < count, !ended {
            guard let block = try readBlock() else {
                ended = true
                break
            }
            pending.append(contentsOf: block)
        }
        return Array(pending.prefix(count))
    }

    /// Calls `body` with the next bytes of the member; false at its end.
    public func nextChunk(_ body: (UnsafeRawBufferPointer) throws(ArchiveError) -> Void) throws(ArchiveError) -> Bool {
        if !pending.isEmpty {
            let bytes = pending
            pending = []
            delivered += Int64(bytes.count)
            var failure: ArchiveError?
            bytes.withUnsafeBytes { raw in
                do throws(ArchiveError) { try body(raw) } catch { failure = error }
            }
            if let failure { throw failure }
            return true
        }
        if ended { return false }
        guard let block = try readBlock() else {
            ended = true
            return false
        }
        delivered += Int64(block.count)
        try body(block)
        return true
    }

    private func readBlock() throws(ArchiveError) -> UnsafeRawBufferPointer? {
        do {
            if let copyBuffer {
                let count = try reader.read(into: copyBuffer)
                return count > 0 ? UnsafeRawBufferPointer(rebasing: copyBuffer[0..<count]) : nil
            }
            while let block = try reader.readBlock() {
                if block.bytes.count > 0 { return block.bytes }
            }
            return nil
        } catch {
            throw .broken(layer: layer, member: member, after: delivered + Int64(pending.count),
                          reason: error.reason)
        }
    }
}

extension ArchiveError {
    /// The library's or our own reason without the layer prefix.
    var reason: String {
        if case .message(_, let text) = self { return text }
        return description
    }
}

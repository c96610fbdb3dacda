/// Streams through every layer of an upload — tar (all variants), cpio, zip, 7z (top level only: it needs
/// seeking), ar, and raw gzip/bzip2/xz/lzma/zstd/lz4 streams, nested up to ``maxDepth`` — and hands each
/// final member (a file that is neither an archive nor compressed) to the caller as a forward stream.
/// Nothing is written to disk; layers are told apart by content, never by name.
public final class LayerWalker {
    /// A final member.
    public struct Leaf {
        /// The member's relative path as the innermost archive names it (compression suffixes removed for
        /// bare streams); not yet checked for safety.
        public let path: String
        /// The layers around it, outermost first ("case.zip ⊃ vmcore.tar.gz").
        public let layer: String
        /// Size the archive declares for it, when it does.
        public let declaredSize: Int64?
        /// True when the upload itself is this member: a plain, uncompressed file (no stream to read).
        public let isPlainFile: Bool
        /// The member's bytes (not used for a plain file: read the file itself).
        public let stream: MemberStream
    }

    /// Any other archive entry: directory, link, device, FIFO, socket.
    public struct OtherEntry {
        public let entry: ArchiveReader.Entry
        public let layer: String
    }

    /// Whether to go on after a member.
    public enum Step { case next, stop }

    public let path: String
    public let displayName: String
    public let maxDepth: Int
    public let decompressors: Decompressors
    /// What the upload is, outermost first: ["zip archive", "gzip data", "tar archive"].
    public internal(set) var layers: [String] = []
    /// Every entry seen (path and declared size), for "what the archive held" messages.
    public internal(set) var seen: [(path: String, size: Int64?)] = []
    private var top: ArchiveReader?
    var describedDepth = 0

    /// Walks the file at `path`; `displayName` names it in messages.
    public init(path: String, displayName: String? = nil, maxDepth: Int = 8, decompressors: Decompressors = .builtin) {
        self.path = path
        self.decompressors = decompressors
        self.displayName = displayName ?? path
        self.maxDepth = maxDepth
    }

    /// The program that decompresses the upload's outermost layer, if not libarchive (``Decompressors``).
    public var decompressorProgram: String? { top?.decompressorProgram }

    /// Compressed bytes of the upload consumed so far.
    public var inputBytesRead: Int64 { top?.compressedBytesRead ?? 0 }

    /// "gzip data holding a tar archive", from ``layers``.
    public var summary: String {
        guard var text = layers.first else { return "unreadable data" }
        for layer in layers.dropFirst() { let article = layer.hasSuffix("archive") ? ("aeiou".contains(layer.first ?? "x") ? "an " : "a ") : ""
            text += " holding " + article + layer }
        return text
    }

    /// Visits every final member; `other` sees the entries that are not regular files.
    public func walk(
        other: (OtherEntry) throws(ArchiveError) -> Void,
        leaf: (Leaf) throws(ArchiveError) -> Step
    ) throws(ArchiveError) {
        let reader = try ArchiveReader(path: path, displayName: displayName, decompressors: decompressors)
        top = reader
        guard let first = try reader.next() else {
            try reader.finish()
            // All-zero data is also an empty tar archive to libarchive.
            layers = reader.filters.map { "\($0) data" } + [reader.isEmpty ? "empty data" : "empty " + reader.containerKind]
            return
        }
        if reader.isRaw, reader.filters.isEmpty {
            layers = ["plain data"]
            let stream = MemberStream(reader: reader, layer: displayName, member: baseName(displayName))
            _ = try leaf(Leaf(path: baseName(displayName), layer: displayName, declaredSize: nil,
                              isPlainFile: true, stream: stream))
            return
        }
        let complete = try walk(reader, first: first, rawName: baseName(displayName), declaredSize: nil,
                                parentLayer: displayName, depth: 1, other: other, leaf: leaf)
        if complete { try reader.finish() }
    }
}

import CArchive
import Foundation

/// A streaming libarchive reader: the only file that imports libarchive's C module.
///
/// It reads archives (tar, cpio, zip, 7z, ar) and compressed streams (gzip, bzip2, xz, lzma, zstd, lz4…),
/// and, through the raw format, a stream that is only compressed or not an archive at all.
/// A reader can read from a file or from an entry of another reader, so nested layers
/// (`case.zip ⊃ vmcore.tar.gz ⊃ vmcore`) are streamed without writing intermediate layers to disk.
public final class ArchiveReader {
    /// One member header.
    public struct Entry: Sendable {
        public enum Kind: Sendable, Equatable { case file, directory, symlink, hardlink, device, fifo, socket, other }
        public var path: String
        public var kind: Kind
        /// Declared size; nil when the format does not say (raw streams, some zips).
        public var size: Int64?
        public var mode: UInt32
        /// Symlink or hardlink target.
        public var linkTarget: String?
    }

    private let handle: OpaquePointer
    private var source: Source?
    /// What this reader reads from, for messages ("vmcore.tar.gz", "vmcore.tar.gz ⊃ vmcore.tar").
    public let name: String
    private var opened = false

    private final class Source {
        let parent: ArchiveReader
        var buffer: UnsafeMutableRawPointer
        let capacity: Int
        /// The parent's message when reading from it failed (the nested reader only sees "-1").
        var failure: String?
        /// Every byte handed to the nested reader until it is known to be an archive (nil: not recording),
        /// so that data only looking like one (all zeros read as an empty tar) can be replayed as plain data.
        var recorded: [UInt8]? = []
        static let recordLimit = 64 << 20
        init(parent: ArchiveReader, capacity: Int) {
            self.parent = parent
            self.capacity = capacity
            buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        }
        deinit { buffer.deallocate() }
    }

    /// The loaded libarchive's version ("libarchive 3.6.2 zlib/1.2.13 …"), or why it cannot be loaded
    /// (it is loaded on first use, not linked: see CArchive.h).
    public static func library() -> Result<String, ArchiveError> {
        if let problem = loadProblem() {
            return .failure(.io("libarchive", "cannot be loaded: \(problem)", .configuration))
        }
        return .success(archive_version_details().map { String(cString: $0) } ?? "libarchive")
    }

    /// Why libarchive cannot be loaded, with what to install; nil when it is loaded.
    private static func loadProblem() -> String? {
        cas_archive_load_error().map { String(cString: $0) + " (install libarchive13)" }
    }

    private init(name: String) throws(ArchiveError) {
        if let problem = Self.loadProblem() { throw .io(name, "cannot read archives: \(problem)", .configuration) }
        guard let a = archive_read_new() else { throw .message(name, "libarchive could not allocate a reader") }
        handle = a
        self.name = name
        archive_read_support_filter_all(a)
        archive_read_support_format_tar(a)
        archive_read_support_format_gnutar(a)
        archive_read_support_format_cpio(a)
        archive_read_support_format_zip(a)
        archive_read_support_format_7zip(a)
        archive_read_support_format_ar(a)
        archive_read_support_format_raw(a)
        archive_read_support_format_empty(a)
    }

    /// The program decompressing the file's outermost layer, when one does (``Decompressors/programs``).
    private var process: DecompressorProcess?

    /// Opens the file at `path`; with `.auto` or `.programs`, an outermost gzip, bzip2 or xz layer may be decompressed by
    /// its installed program in a separate process (``DecompressorProcess``), and libarchive reads the rest.
    public convenience init(
        path: String, displayName: String? = nil, blockSize: Int = 1 << 20, decompressors: Decompressors = .builtin
    ) throws(ArchiveError) {
        try self.init(name: displayName ?? path)
        let rc: Int32
        if let program = DecompressorProcess.program(for: path, decompressors) {
            let process = try DecompressorProcess(program: program, path: path, name: name)
            self.process = process
            rc = archive_read_open_fd(handle, process.output, blockSize)
        } else {
            rc = archive_read_open_filename(handle, path, blockSize)
        }
        try check(rc)
        opened = true
    }

    /// The program decompressing the outermost layer ("lbzip2"), nil when libarchive does it in-process.
    public var decompressorProgram: String? {
        process?.program.tool
    }

    /// At the end of a complete walk: fails when the program decompressing the outermost layer reports the
    /// stream corrupt or truncated (the archive inside may have looked complete).
    public func finish() throws(ArchiveError) {
        guard let process, let failure = process.finish() else { return }
        throw .message(name, "\(process.program.format) data is corrupt or truncated: \(failure)")
    }

    /// Opens the data of the current entry of `parent` as a new stream (decompressed in-process).
    public convenience init(nestedIn parent: ArchiveReader, entryName: String) throws(ArchiveError) {
        try self.init(name: parent.name + " ⊃ " + entryName)
        let source = Source(parent: parent, capacity: 1 << 20)
        self.source = source
        let context = Unmanaged.passUnretained(source).toOpaque()
        let rc = archive_read_open(handle, context, nil, { _, context, out in
            guard let context, let out else { return -1 }
            let source = Unmanaged<Source>.fromOpaque(context).takeUnretainedValue()
            let count = archive_read_data(source.parent.handle, source.buffer, source.capacity)
            if count < 0 {
                source.failure = source.parent.failureMessage(Int32(count))
                return -1
            }
            if source.recorded != nil {
                if source.recorded!.count + count > Source.recordLimit {
                    source.recorded = nil
                } else {
                    source.recorded!.append(contentsOf: UnsafeRawBufferPointer(start: source.buffer, count: count))
                }
            }
            out.pointee = UnsafeRawPointer(source.buffer)
            return count
        }, nil)
        try check(rc)
        opened = true
    }

    deinit {
        archive_read_free(handle)
    }

    /// For a nested reader: stops recording and returns the bytes read from the parent so far (nil when
    /// more than the record limit was read, or for a top-level reader).
    public func takeRecordedBytes() -> [UInt8]? {
        let bytes = source?.recorded
        source?.recorded = nil
        return bytes
    }

    /// The next member, or nil at the end.
    public func next() throws(ArchiveError) -> Entry? {
        var entry: OpaquePointer?
        let rc = archive_read_next_header(handle, &entry)
        if rc == ARCHIVE_EOF { return nil }
        try check(rc)
        guard let entry else { return nil }
        let type = archive_entry_filetype(entry)
        let kind: Entry.Kind
        if archive_entry_hardlink(entry) != nil {
            kind = .hardlink
        } else {
            switch type & 0o170000 {
            case 0o100000: kind = .file
            case 0o040000: kind = .directory
            case 0o120000: kind = .symlink
            case 0o020000, 0o060000: kind = .device
            case 0o010000: kind = .fifo
            case 0o140000: kind = .socket
            case 0: kind = .file  // raw streams carry no type
            default: kind = .other
            }
        }
        let path = archive_entry_pathname(entry).map { String(cString: $0) } ?? "data"
        let target = (archive_entry_symlink(entry) ?? archive_entry_hardlink(entry)).map { String(cString: $0) }
        return Entry(
            path: path, kind: kind, size: archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : nil,
            mode: UInt32(archive_entry_mode(entry)), linkTarget: target)
    }

    /// Reads the current member's data into `buffer`; 0 at its end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        let count = archive_read_data(handle, buffer.baseAddress, buffer.count)
        if count < 0 { try check(Int32(count)) }
        return count
    }

    /// Reads the next block of the current member with its offset (sparse members have gaps); nil at its end.
    public func readBlock() throws(ArchiveError) -> (bytes: UnsafeRawBufferPointer, offset: Int64)? {
        var pointer: UnsafeRawPointer?
        var size = 0
        var offset: Int64 = 0
        let rc = archive_read_data_block(handle, &pointer, &size, &offset)
        if rc == ARCHIVE_EOF { return nil }
        try check(rc)
        return (UnsafeRawBufferPointer(start: pointer, count: size), offset)
    }

    /// Skips the rest of the current member.
    public func skip() throws(ArchiveError) {
        try check(archive_read_data_skip(handle))
    }

    /// The format libarchive recognised ("GNU tar format", "ZIP 2.0 (deflation)", "raw"…).
    public var formatName: String {
        archive_format_name(handle).map { String(cString: $0) } ?? "unknown"
    }

    /// True when the stream is not an archive: a single raw stream, possibly compressed.
    public var isRaw: Bool { archive_format(handle) == ARCHIVE_FORMAT_RAW }

    /// True when the stream is empty.
    public var isEmpty: Bool { archive_format(handle) == ARCHIVE_FORMAT_EMPTY }

    /// The compression filters, outermost first ("gzip", "xz"…), without "none".
    public var filters: [String] {
        let count = archive_filter_count(handle)
        let outer = process.map { [$0.program.format] } ?? []
        guard count > 0 else { return outer }
        return outer + (0..<count).reversed().compactMap { index in
            guard let name = archive_filter_name(handle, index) else { return nil }
            let text = String(cString: name)
            if text == "none" { return nil }
            return text
        }
    }

    /// Compressed bytes consumed so far from the underlying file or stream.
    public var compressedBytesRead: Int64 {
        if let process { return process.consumed }
        let count = archive_filter_count(handle)
        return count > 0 ? archive_filter_bytes(handle, count - 1) : 0
    }

    /// What the container is, for messages: "tar archive", "zip archive", "cpio archive", "7z archive", "data".
    public var containerKind: String {
        switch archive_format(handle) & ARCHIVE_FORMAT_BASE_MASK {
        case ARCHIVE_FORMAT_TAR: "tar archive"
        case ARCHIVE_FORMAT_CPIO: "cpio archive"
        case ARCHIVE_FORMAT_ZIP: "zip archive"
        case ARCHIVE_FORMAT_7ZIP: "7z archive"
        case ARCHIVE_FORMAT_AR: "ar archive"
        case ARCHIVE_FORMAT_EMPTY: "empty data"
        default: "data"
        }
    }

    private func check(_ rc: Int32) throws(ArchiveError) {
        if rc == ARCHIVE_OK || rc == ARCHIVE_WARN { return }
        throw .message(name, failureMessage(rc))
    }

    /// Why reading failed: the decompressing program's complaint when it failed (the archive inside only
    /// looks truncated then), else the parent's failure for a nested reader, else libarchive's message.
    private func failureMessage(_ rc: Int32) -> String {
        if let process, let failure = process.failureAfterError() {
            return "\(process.program.format) data is corrupt or truncated: \(failure)"
        }
        return source?.failure ?? archive_error_string(handle).map { String(cString: $0) } ?? "libarchive error \(rc)"
    }
}

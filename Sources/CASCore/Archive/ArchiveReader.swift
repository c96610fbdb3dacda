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

    private init(name: String) throws(ArchiveError) {
        guard let a = archive_read_new() else { throw .message(name, "libarchive could not allocate a reader") }
        handle = a
        self.name = name
        // xz decoding in a separate `xz -dc` process runs beside our writing (as `tar -xJf` does) and is
        // measurably faster than libarchive's in-process decoder; registered first so it wins the tie.
        if let xz = Self.externalXZ {
            archive_read_support_filter_program_signature(a, xz + " -dc", Self.xzMagic, Self.xzMagic.count)
        }
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

    private static let xzMagic: [UInt8] = [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]
    /// The xz program when installed at a fixed path (never looked up through PATH).
    private static let externalXZ: String? = ["/usr/bin/xz", "/bin/xz"].first { access($0, X_OK) == 0 }

    /// Opens the file at `path`.
    public convenience init(path: String, displayName: String? = nil, blockSize: Int = 1 << 20) throws(ArchiveError) {
        try self.init(name: displayName ?? path)
        let rc = archive_read_open_filename(handle, path, blockSize)
        try check(rc)
        opened = true
    }

    /// Opens the data of the current entry of `parent` as a new stream.
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
                source.failure = archive_error_string(source.parent.handle).map { String(cString: $0) }
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
        guard count > 0 else { return [] }
        return (0..<count).reversed().compactMap { index in
            guard let name = archive_filter_name(handle, index) else { return nil }
            let text = String(cString: name)
            if text == "none" { return nil }
            // An external program filter is named "Program: /usr/bin/xz -dc": report the format ("xz").
            if text.hasPrefix("Program: ") {
                return text.dropFirst(9).split(separator: " ").first?.split(separator: "/").last.map(String.init)
            }
            return text
        }
    }

    /// Compressed bytes consumed so far from the underlying file or stream.
    public var compressedBytesRead: Int64 {
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
        let own = archive_error_string(handle).map { String(cString: $0) }
        let message = source?.failure ?? own ?? "libarchive error \(rc)"
        throw .message(name, message)
    }
}

/// One phrase saying what a file that is not a dump looks like ("gzip data", "text", "a zip archive"…).
public enum Describe {
    /// What the leading bytes of a file are, for "not a dump" messages.
    public static func content(_ prefix: [UInt8]) -> String {
        let b = Bytes(prefix)
        if prefix.isEmpty { return "the file is empty" }
        let signatures: [([UInt8], Int, String)] = [
            ([0x1f, 0x8b], 0, "gzip data"), (Array("BZh".utf8), 0, "bzip2 data"),
            ([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 0, "xz data"), ([0x28, 0xb5, 0x2f, 0xfd], 0, "zstd data"),
            ([0x04, 0x22, 0x4d, 0x18], 0, "lz4 data"), (Array("PK\u{3}\u{4}".utf8), 0, "a zip archive"),
            ([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], 0, "a 7z archive"), (Array("ustar".utf8), 257, "a tar archive"),
            (Array("070701".utf8), 0, "a cpio archive"), (Array("!<arch>\n".utf8), 0, "an ar archive (a .deb?)"),
            ([0xed, 0xab, 0xee, 0xdb], 0, "an RPM package"), (Array("SQLite format 3".utf8), 0, "an SQLite database"),
            (Array("%PDF".utf8), 0, "a PDF document"),
        ]
        for (magic, offset, name) in signatures where b.hasPrefix(magic, at: offset) { return name }
        let sample = prefix.prefix(1024)
        let printable = sample.filter { $0 == 9 || $0 == 10 || $0 == 13 || (0x20..<0x7f).contains($0) || $0 >= 0x80 }
        if printable.count == sample.count { return "text" }
        if sample.allSatisfy({ $0 == 0 }) { return "only zero bytes at the start" }
        return "data of an unknown kind"
    }
}

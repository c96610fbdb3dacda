import Foundation

/// What intake did, for the job log and `job.json`.
public struct IntakeRecord: Sendable, Codable, Equatable {
    /// One file intake put into the job directory.
    public struct Member: Sendable, Codable, Equatable {
        /// Path relative to the job directory.
        public var path: String
        /// Where it came from ("case.zip ⊃ vmcore.tar.gz"), or the upload itself.
        public var layer: String
        /// Logical size.
        public var bytes: Int64
        /// Bytes really written (holes excluded); equal to `bytes` for a linked file.
        public var dataBytes: Int64
        /// Its first bytes are a kernel dump's.
        public var isDump: Bool
    }

    /// The dump, relative to the job directory.
    public var dump: String
    /// True when the dump is a hard link to the user's file (nothing copied).
    public var linked: Bool
    /// What the upload was, outermost first ("zip archive", "gzip data", "tar archive").
    public var layers: [String]
    public var members: [Member]
    /// Entries skipped (safe links, directories, setuid bits dropped) and dumps not chosen.
    public var warnings: [String]
    /// Upload bytes read.
    public var bytesIn: Int64
    /// Logical bytes written.
    public var bytesOut: Int64
    public var seconds: Double
    /// The program that decompressed the outermost layer ("lbzip2"), when not libarchive in-process.
    public var decompressor: String? = nil

    /// One line for the process log.
    public var summary: String {
        let rate = seconds > 0 ? ByteCount.format(Int64(Double(bytesOut) / seconds)) + "/s" : "-"
        var how = linked ? "linked" : "unpacked \(members.count) member(s) from \(layers.joined(separator: " ⊃ "))"
        if let decompressor { how += " (decompressed by \(decompressor))" }
        return "intake: \(how); dump \(dump); \(ByteCount.format(bytesIn)) in, \(ByteCount.format(bytesOut)) out "
            + "in \(String(format: "%.2f", seconds)) s (\(rate))"
    }
}

import Foundation
import Logging

/// Turns the user's upload into a job directory holding the dump (plus the archive's other members),
/// or into one clear error with nothing left behind.
///
/// A plain dump is hard-linked (same file system) or copied; anything else is streamed through every
/// layer (``LayerWalker``) and only the final members are written, sparse, strictly inside the job
/// directory. The dump is chosen by `dumpRank` over its first bytes (the caller passes the Dump stage's
/// magic test, so this folder stays independent of it): the member of highest rank wins, the largest among
/// equals. The user's file is never changed.
public struct Intake {
    /// Guards against decompression bombs and full disks.
    public struct Limits: Sendable {
        /// Most logical bytes one intake may write (`[advanced] maxUnpackSize`).
        public var maxUnpackSize: Int64
        /// Most output bytes per input byte (`[advanced] maxExpansionRatio`), checked past `ratioFloor`.
        public var maxExpansionRatio: Int
        /// Output below which the ratio is not checked (small files compress absurdly well).
        public var ratioFloor: Int64 = 64 << 20
        /// Most bytes all members that are not the dump may unpack to together (`[advanced] maxExtraSize`):
        /// logs and sosreports beside a dump are small, a bomb of real data beside it is not.
        public var maxExtraSize: Int64 = 1 << 30
        /// Most output bytes per input byte for one member that is not the dump (`[advanced] maxExtraRatio`),
        /// checked once it passes `extraRatioFloor`.
        public var maxExtraRatio: Int = 100
        /// Output of one extra member below which its ratio is not checked.
        public var extraRatioFloor: Int64 = 16 << 20
        /// Free space intake leaves on the job directory's file system.
        public var reserve: Int64 = 32 << 20

        public init(maxUnpackSize: Int64, maxExpansionRatio: Int) {
            self.maxUnpackSize = maxUnpackSize
            self.maxExpansionRatio = maxExpansionRatio
        }
    }

    public let source: String
    public let jobDirectory: String
    public let limits: Limits
    /// 0 when data starting with these bytes is not a kernel crash dump; higher for preferred kinds.
    public let dumpRank: ([UInt8]) -> Int
    /// How many leading bytes `dumpRank` needs.
    public let sniffLength: Int
    /// Draw progress on standard error (defaults to: when it is a terminal).
    public var showProgress: Bool = isatty(STDERR_FILENO) == 1
    /// What decodes compressed layers (`[advanced] decompressors`).
    public var decompressors: Decompressors = .auto
    public var logger = Logger.cas("intake")

    public init(
        source: String, jobDirectory: String, limits: Limits, sniffLength: Int,
        dumpRank: @escaping ([UInt8]) -> Int
    ) {
        self.source = source
        self.jobDirectory = jobDirectory
        self.limits = limits
        self.sniffLength = sniffLength
        self.dumpRank = dumpRank
    }

    /// Unpacks or links the upload into the job directory; on failure removes everything it wrote.
    public func run() throws(ArchiveError) -> IntakeRecord {
        var st = stat()
        guard stat(source, &st) == 0 else {
            throw .io(source, "cannot read: \(String(cString: strerror(errno)))", .noInput)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw .io(source, "not a regular file", .noInput) }
        guard access(source, R_OK) == 0 else { throw .io(source, "not readable", .noInput) }
        let writer = try JobDirectoryWriter(directory: jobDirectory)
        let session = IntakeSession(intake: self, writer: writer, inputSize: Int64(st.st_size))
        do {
            let record = try session.run()
            logger.info("\(record.summary)")
            return record
        } catch {
            session.progress.finish()
            writer.removeAll()
            throw error
        }
    }
}

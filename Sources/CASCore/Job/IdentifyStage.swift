import Foundation
import Logging

/// The identify stage: the dump's kernel from its own headers (release, version, arch, build ID), how much
/// of the dump is missing, and the kernel log read from the dump itself into `dmesg`, so that a job that then
/// finds no debuginfo, no server or a failing crash still ends with the log.
public struct IdentifyStage: Sendable {
    /// How far to scan for the kernel banner when the headers don't tell (`[advanced] buffersize`).
    public var bufferSize: Int64
    let logger = Logger.cas("cas")

    public init(bufferSize: Int64) {
        self.bufferSize = bufferSize
    }

    /// What the stage found.
    public struct Output: Sendable {
        public var identity: KernelIdentity
        /// Set when part of the dump is missing; such a job ends done with warnings.
        public var completeness: DumpCompleteness?
        /// True when the dump's own kernel log is in `dmesg`.
        public var wroteKernelLog: Bool

        public init(identity: KernelIdentity, completeness: DumpCompleteness? = nil, wroteKernelLog: Bool = false) {
            self.identity = identity
            self.completeness = completeness
            self.wroteKernelLog = wroteKernelLog
        }
    }

    /// Identifies the dump at `dump` (named `name` in the job directory) and writes `dmesg` into `jobDirectory`.
    public func run(dump: String, name: String, jobDirectory: String) throws -> Output {
        let identity = try DumpIdentifier.identify(try FileByteSource(path: dump), name: name, bufferSize: bufferSize)
        logger.info(
            "kernel \(identity.release ?? "?") \(identity.arch ?? "?") build ID \(identity.buildId ?? "none") (\(identity.format))")
        if let source = identity.archSources.first { logger.info("architecture from \(source.source)") }
        if let source = identity.vmcoreinfoSource { logger.info("VMCOREINFO from \(source)") }
        for conflict in identity.conflicts {
            logger.warning("the dump's sources disagree: \(Escaped.text(conflict))")
        }
        var completeness = DumpCompleteness.check(path: dump)
        if let problem = completeness?.problem {
            logger.warning("\(problem); crash reads what is there, pages past the end read as errors")
        } else {
            completeness = nil
        }
        return Output(
            identity: identity, completeness: completeness,
            wroteKernelLog: writeKernelLog(dump: dump, name: name, identity: identity, jobDirectory: jobDirectory))
    }

    /// `dmesg` from the dump itself; a log that cannot be read is logged, never fatal.
    func writeKernelLog(dump: String, name: String, identity: KernelIdentity, jobDirectory: String) -> Bool {
        do {
            let log = try KernelLogReader.read(try FileByteSource(path: dump), name: name, identity: identity)
            try AtomicFile.create(Data(log.text.utf8), at: JobLayout.path(JobLayout.dmesg, in: jobDirectory))
            let skipped = log.skipped > 0 ? ", \(log.skipped) skipped" : ""
            logger.info("kernel log: \(log.records.count) records (\(log.layout)\(skipped)) in \(JobLayout.dmesg)")
            return true
        } catch {
            logger.warning("kernel log not read from the dump: \(error)")
            return false
        }
    }
}

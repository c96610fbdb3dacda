import Foundation

/// The intake stage: the user's file (a dump, or archives and compression around one) unpacked into the
/// job's `input/` folder, the dump chosen by its magic (``Identification/dumpRank(_:)``); the file itself is
/// never moved or changed. Also `cas unpack`.
public struct IntakeStage: Sendable {
    public var limits: Intake.Limits
    public var decompressors: Decompressors

    /// The limits and decompressors of `settings`.
    public init(settings: Settings) {
        limits = Intake.Limits(maxUnpackSize: settings.maxUnpackSize, maxExpansionRatio: settings.maxExpansionRatio)
        limits.maxExtraSize = settings.maxExtraSize
        limits.maxExtraRatio = settings.maxExtraRatio
        decompressors = settings.decompressors
    }

    /// Unpacks `file` into `jobDirectory`; says which member is the dump.
    public func run(file: String, jobDirectory: String) throws(ArchiveError) -> IntakeRecord {
        do {
            var intake = Intake(
                source: file, jobDirectory: jobDirectory, limits: limits, sniffLength: DumpFormat.sniffLength,
                dumpRank: Identification.dumpRank)
            intake.decompressors = decompressors
            return try intake.run()
        } catch .noDump(let name, let held) {
            // A plain ELF executable ranks 0 like any non-dump; say what it is (a vmlinux given by mistake?).
            if case .unsupported(let what) = Identification.sniff(file: file), what == DumpFormat.elfExecutableMessage {
                throw .noDump(name, what)
            }
            throw .noDump(name, held)
        }
    }
}

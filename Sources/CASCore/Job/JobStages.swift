import Foundation

/// The stages of a job, each one call with a typed input and output, in DESIGN's order:
/// intake → identify → lookup → crash, and the findings after identify and after crash.
///
/// ``standard(request:settings:store:)`` are the real stages; a test hands ``AnalysisJob`` stand-ins to
/// drive the job's sequencing and record without a dump or crash. A stage throws its own error; the job
/// records it against the stage it was in.
public struct JobStages: Sendable {
    /// The user's file into the job directory; which member is the dump (``IntakeStage``).
    public var intake: @Sendable (_ file: String, _ jobDirectory: String) async throws -> IntakeRecord
    /// The dump's kernel, its completeness, its own log in `dmesg` (``IdentifyStage``).
    public var identify:
        @Sendable (_ dump: String, _ name: String, _ jobDirectory: String) async throws -> IdentifyStage.Output
    /// The debuginfo, its vmlinux linked into the job directory (``LookupStage``).
    public var lookup:
        @Sendable (_ identity: KernelIdentity, _ jobDirectory: String) async throws -> LookupStage.Output
    /// crash on the dump, wherever it runs (``CrashStage``).
    public var crash: @Sendable (CrashStage.Input) async throws -> CrashStage.Output
    /// The rules over the job's files: `findings.txt` and the findings in `job.json` (``FindingsEngine``).
    public var findings: @Sendable (_ jobDirectory: String) throws -> FindingsReport

    public init(
        intake: @escaping @Sendable (String, String) async throws -> IntakeRecord,
        identify: @escaping @Sendable (String, String, String) async throws -> IdentifyStage.Output,
        lookup: @escaping @Sendable (KernelIdentity, String) async throws -> LookupStage.Output,
        crash: @escaping @Sendable (CrashStage.Input) async throws -> CrashStage.Output,
        findings: @escaping @Sendable (String) throws -> FindingsReport
    ) {
        (self.intake, self.identify, self.lookup, self.crash, self.findings) = (intake, identify, lookup, crash, findings)
    }

    /// The real stages, with `settings`' values and `store`.
    public static func standard(request: JobRequest, settings: Settings, store: Store) -> JobStages {
        let intake = IntakeStage(settings: settings)
        let identify = IdentifyStage(bufferSize: settings.bufferSize)
        let lookup = LookupStage(settings: settings, store: store)
        let crash = CrashStage(settings: settings, store: store, request: request)
        let rules = settings.rules
        return JobStages(
            intake: { file, directory in try intake.run(file: file, jobDirectory: directory) },
            identify: { dump, name, directory in try identify.run(dump: dump, name: name, jobDirectory: directory) },
            lookup: { identity, directory in try await lookup.run(identity: identity, jobDirectory: directory) },
            crash: { input in try await crash.run(input) },
            findings: { directory in try FindingsEngine.run(jobDirectory: directory, siteRules: rules) })
    }
}

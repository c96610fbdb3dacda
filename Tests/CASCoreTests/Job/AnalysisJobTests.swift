import CASTestSupport
import Foundation
import Testing

@testable import CASCore

/// The job's sequencing and its one record, driven with stand-in stages (the real stages have their own
/// end-to-end tests: JobTests, RemoteJobTests, CrashFixtureTests…).
@Suite struct AnalysisJobTests {
    /// A stage's own error, as a real stage throws one.
    struct StandInError: CASError {
        var description: String
        var exitStatus: CASCore.ExitStatus
    }

    /// A job world: settings with a fresh work directory and database, and a file to give the job.
    static func world() throws -> (Settings, Store, file: String, base: String) {
        let base = try TemporaryDirectory.make("cas-job-stages")
        let settings = Settings.defaults(base: base, source: "test")
        try FileManager.default.createDirectory(atPath: settings.workDirectory, withIntermediateDirectories: true)
        let file = base + "/vmcore"
        try Data("not read by the stand-ins".utf8).write(to: URL(fileURLWithPath: file))
        return (settings, try Store(path: settings.database), file, base)
    }

    /// Stand-ins that succeed, with `lookup` and `crash` replaceable; `identify` says whether `dmesg` was written.
    static func stages(
        wroteKernelLog: Bool = false,
        lookup: @escaping @Sendable (KernelIdentity, String) async throws -> LookupStage.Output = { _, _ in
            LookupStage.Output(debuginfo: .init(package: "/kernels/k.rpm", vmlinux: "usr/lib/debug/vmlinux", match: "build ID"))
        },
        crash: @escaping @Sendable (CrashStage.Input) async throws -> CrashStage.Output = { _ in
            CrashStage.Output(
                server: "here",
                report: .init(server: nil, outcome: .init(attempts: 1, failures: []), commandErrors: [], warnings: []))
        }
    ) -> JobStages {
        JobStages(
            intake: { _, _ in
                IntakeRecord(
                    dump: "input/vmcore", linked: true, layers: [], members: [], warnings: [], bytesIn: 0, bytesOut: 0,
                    seconds: 0)
            },
            identify: { _, _, _ in
                var identity = KernelIdentity(format: "kdump")
                (identity.release, identity.arch, identity.buildId) = ("6.1.0-test", "x86_64", "abc123")
                return IdentifyStage.Output(identity: identity, wroteKernelLog: wroteKernelLog)
            },
            lookup: lookup, crash: crash,
            findings: { directory in
                try AtomicFile.write(Data("findings\n".utf8), to: JobLayout.path(JobLayout.findings, in: directory))
                return FindingsReport(facts: CrashFacts(), findings: [])
            })
    }

    static func run(_ caseId: String, _ stages: JobStages) async throws -> (JobReport, job: [String: Any], log: String, Store) {
        let (settings, store, file, _) = try world()
        let request = JobRequest(caseId: caseId, file: file, executablePath: "/nonexistent")
        let report = try await AnalysisJob.start(request, settings: settings, store: store, stages: stages).run()
        let data = try #require(FileManager.default.contents(atPath: report.directory + "/" + JobLayout.jobJSON))
        let job = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let log = try String(contentsOfFile: report.directory + "/" + JobLayout.log(caseId: caseId), encoding: .utf8)
        return (report, job, log, store)
    }

    /// The `stage …` lines of the log, in order.
    static func stageLines(_ log: String) -> [String] {
        log.split(separator: "\n").compactMap { line in
            line.range(of: "stage ").map { String(line[$0.upperBound...]) }
        }
    }

    @Test func aLookupThatFailsEndsTheJobFailedInLookupWithItsExitStatus() async throws {
        let (report, job, log, store) = try await Self.run(
            "lookup-fails",
            Self.stages(lookup: { _, _ in
                throw StandInError(description: "no debuginfo matches 6.1.0-test x86_64", exitStatus: .noDebuginfo)
            }))
        #expect(report.state == .failed && report.step == .lookup)
        #expect(report.exitStatus == CASCore.ExitStatus.noDebuginfo.rawValue)
        #expect(report.error == "no debuginfo matches 6.1.0-test x86_64")
        #expect(job["state"] as? String == "failed" && job["step"] as? String == "lookup")
        #expect(job["exitStatus"] as? Int == Int(CASCore.ExitStatus.noDebuginfo.rawValue))
        #expect((job["kernel"] as? [String: Any])?["release"] as? String == "6.1.0-test")
        #expect(Self.stageLines(log) == ["intake", "identify", "lookup"], "crash never entered")
        #expect(log.contains("lookup failed: no debuginfo matches 6.1.0-test x86_64"))
        let rows = try store.jobs(caseId: "lookup-fails")
        let row = try #require(rows.first)
        #expect(row.state == .failed && row.step == "lookup" && row.release == "6.1.0-test" && row.finishedAt != nil)
    }

    @Test func withTheDumpsOwnLogTheSameFailureEndsPartialWithFindings() async throws {
        let (report, job, _, _) = try await Self.run(
            "lookup-partial",
            Self.stages(wroteKernelLog: true, lookup: { _, _ in
                throw StandInError(description: "no debuginfo", exitStatus: .noDebuginfo)
            }))
        #expect(report.state == .partial && report.step == .lookup)
        #expect(job["state"] as? String == "partial")
        #expect(FileManager.default.fileExists(atPath: report.directory + "/" + JobLayout.findings))
    }

    @Test func aCrashCommandThatFailsEndsDoneWithWarningsAndIsRecorded() async throws {
        let failure = CrashCommandFailure(command: "bt -a", reason: "crash: invalid structure member offset")
        let (report, job, log, store) = try await Self.run(
            "crash-warns",
            Self.stages(crash: { input in
                #expect(input.vmlinux == "usr/lib/debug/vmlinux" && input.dump.hasSuffix("/input/vmcore"))
                return CrashStage.Output(
                    server: "server-1:22",
                    report: .init(
                        server: "server-1:22", outcome: .init(attempts: 2, failures: [failure]),
                        commandErrors: [.init(command: "dev -d", reason: "dev: -d option not supported")], warnings: []))
            }))
        #expect(report.state == .done && report.step == nil)
        #expect(report.exitStatus == CASCore.ExitStatus.doneWithWarnings.rawValue)
        #expect(report.crashFailures == [failure])
        let failures = try #require(job["crashFailures"] as? [[String: String]])
        #expect(failures == [["command": "bt -a", "reason": "crash: invalid structure member offset"]])
        let errors = try #require(job["crashErrors"] as? [[String: String]])
        #expect(errors == [["command": "dev -d", "message": "dev: -d option not supported"]])
        #expect(job["state"] as? String == "done" && job["server"] as? String == "server-1:22")
        #expect(Set((job["timings"] as? [String: Double] ?? [:]).keys) == ["intake", "identify", "lookup", "crash"])
        #expect(Self.stageLines(log) == ["intake", "identify", "lookup", "crash"])
        #expect(log.contains("crash command failed, its output is missing: `bt -a`"))
        #expect(try store.jobs(caseId: "crash-warns").first?.server == "server-1:22")
    }
}

import CASTestSupport
import Foundation
import Testing

@testable import CASCore

/// The real crash 8.0.2 on the real fixture dump: the default snippets, the wrapper by hand, `-m`.
@Suite(.enabled(if: CrashTestSupport.crashBinary != nil, "crash is not installed"))
struct CrashFixtureTests {
    typealias T = CrashTestSupport
    static let release = "6.1.192-tiny-pidfix"
    static let vmlinuxPath = "usr/lib/debug/lib/modules/\(release)/vmlinux"

    /// A job directory holding the dump and the vmlinux (at its package path) as links to the fixture.
    func makeJob() throws -> String {
        let job = try TemporaryDirectory.make("cas-job")
        let fm = FileManager.default
        try fm.createSymbolicLink(
            atPath: job + "/vmcore.kdump-d31", withDestinationPath: try T.fixture("vmcore.kdump-d31"))
        let vmlinux = job + "/" + Self.vmlinuxPath
        try fm.createDirectory(
            atPath: (vmlinux as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: vmlinux, withDestinationPath: try T.fixture("vmlinux"))
        return job
    }

    func run(_ job: String, input: String = "crash.in", output: String = "crash.out") throws -> CrashRun {
        CrashRun(
            crash: try #require(T.crashBinary), directory: job, dump: "vmcore.kdump-d31", vmlinux: Self.vmlinuxPath,
            input: input, output: output, timeoutSeconds: 900)
    }

    @Test func defaultSnippetsProduceTheOutputsAndTheWrapperRerunsThem() async throws {
        let job = try makeJob()
        let crash = try #require(T.crashBinary)
        let context = SnippetContext(arch: "x86_64", release: Self.release, jobDirectory: job, caseID: "12345")
        let prepared = try await CrashPreparation.prepare(
            snippetsDirectory: TestTools.packageRoot + "/Snippets", context: context,
            crash: crash, dump: "vmcore.kdump-d31", vmlinux: Self.vmlinuxPath)
        #expect(prepared.snippetFailures.isEmpty)
        #expect(T.read(job, "crash.in") == prepared.input)
        try await run(job).run()

        let sys = T.read(job, "sys")
        #expect(sys.contains("RELEASE: \(Self.release)"))
        #expect(sys.contains(#"PANIC: "Kernel panic - not syncing: sysrq triggered crash""#))
        #expect(T.read(job, "traceback").contains("write_sysrq_trigger"))
        #expect(T.read(job, "log").contains("sysrq: Trigger a crash"))
        let modules = T.read(job, "modules")
        #expect(CrashModules.names(inTable: modules) == ["crashfix"])
        #expect(CrashModules.missing(inTable: modules) == ["crashfix"])
        #expect(T.read(job, "memory").contains("TOTAL MEM"))
        #expect(T.read(job, "mount").contains("rootfs"))
        #expect(T.read(job, "ps").contains("init"))

        let outputs = CrashOutputs.list(directory: job)
        #expect(
            outputs.map(\.name) == [
                "crash.out", "sys", "log", "traceback", "modules", "memory", "devices", "net", "mount", "ps", "blocked",
                "tasks",
            ])
        // The kernel's own count and crash's `ps` agree on this kernel (it keeps `upid numbers[1]`): no diagnosis.
        #expect(CrashWarnings.nrThreads(in: T.read(job, "tasks")) == 18)
        #expect(CrashWarnings.crashVersion(in: T.read(job, "tasks")) != nil)
        #expect(CrashWarnings.listedTasks(inPS: T.read(job, "ps")) == 18)
        #expect(CrashWarnings.diagnose(directory: job, kernelRelease: Self.release).diagnosis == nil)
        #expect(outputs.first { $0.name == "sys" }.map { $0.size > 1000 } == true)
        let backtrace = try #require(CrashOutputs.crashingBacktrace(directory: job))
        #expect(backtrace.hasPrefix("PID: 1 "))
        #expect(backtrace.contains("write_sysrq_trigger"))
        #expect(backtrace.components(separatedBy: "PID:").count == 2)

        // By hand, as an analyst would: `./crash -i crash.in` reruns the batch (the `>>` outputs grow).
        let rerun = try await Command(
            "/bin/sh", ["./crash", "-i", "crash.in"], workingDirectory: job, timeout: .seconds(900)
        ).run()
        #expect(rerun.succeeded, "\(rerun.summary): \(rerun.lastLines())")
        #expect(T.read(job, "sys").components(separatedBy: "RELEASE: \(Self.release)").count == 3)
    }

    @Test func modulesSecondPassLoadsCrashfixDebugInfo() async throws {
        let job = try makeJob()
        let modules = try TemporaryDirectory.make("cas-modules")
        try FileManager.default.createDirectory(atPath: modules + "/extra", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try T.fixture("crashfix.ko"), toPath: modules + "/extra/crashfix.ko")
        let load = try await CrashAnalysis(runner: try run(job), timeoutSeconds: 900)
            .modulePass(moduleDirectory: modules, expected: ["crashfix"])
        #expect(load.missing.isEmpty && load.problems.isEmpty, "\(load)")
        #expect(load.loaded == [.init(name: "crashfix", objectFile: modules + "/extra/crashfix.ko")])
        let table = CrashModules.rows(inTable: T.read(job, CrashModules.tableName))
        #expect(table == load.loaded)
        #expect(T.read(job, CrashModules.tracebackName).contains("write_sysrq_trigger"))
        #expect(T.read(job, CrashModules.inputName).hasPrefix("mod -S \(modules) >> modules-debug\n"))
        #expect(FileManager.default.fileExists(atPath: job + "/" + CrashModules.outputName))
    }
}

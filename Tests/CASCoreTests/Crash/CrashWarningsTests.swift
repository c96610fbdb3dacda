import CASTestSupport
import Foundation
import Testing

@testable import CASCore

/// crash's own warnings, in the formats of crash's source (task.c, symbols.c, kernel.c, tools.c `__error`), and
/// the diagnosis a job gives from them; then crash 8.0.2's real output on a 6.1 dump it cannot fully follow.
@Suite struct CrashWarningsTests {
    /// `error(WARNING, …)` prints "WARNING: " + the message; `OFFSET_verify` prints "<command>: invalid structure
    /// member offset: <member>" (with `FILE: … LINE: …` below), during startup as "crash: …".
    static let output = """
        WARNING: active task ffff936992ad0000 on cpu 1 not found in PID hash

        WARNING: kernel version inconsistency between vmlinux and dumpfile

        bt: invalid structure member offset: mm_struct_mmap
            FILE: memory.c  LINE: 4007  FUNCTION: vm_area_dump()

        crash: invalid structure size: upid
        mount: cannot determine mount list location!
        WARNING: possibly bogus exception frame
        bt: invalid structure member offset: mm_struct_mmap
        an ordinary line mentioning cannot determine nothing
        """

    @Test func recognisesEachFormatOnceInOrder() {
        let found = CrashWarnings.scan(Self.output)
        #expect(found.map(\.kind) == [.notInPIDHash, .versionInconsistency, .invalidMemberOffset, .invalidStructureSize, .cannotDetermine])
        #expect(found[2].line == "bt: invalid structure member offset: mm_struct_mmap")
        #expect(CrashWarnings.scan("WARNING: active task \u{1b}[31m on cpu 0 not found in PID hash").first?.line.lowercased().contains("\\x1b") == true)
    }

    @Test func readsTheKernelsCountCrashsVersionAndTheTasksPSListed() {
        #expect(CrashWarnings.nrThreads(in: "nr_threads = $1 = 18\n") == 18)
        #expect(CrashWarnings.nrThreads(in: "nr_threads = 7") == 7)
        #expect(CrashWarnings.nrThreads(in: "p: gdb request failed: p nr_threads") == nil)
        #expect(CrashWarnings.crashVersion(in: "  program_version: 8.0.2\n") == "8.0.2")
        let ps = """
                  PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM
                    0       0   0  ffffffff8180f600  RU   0.0        0        0  [swapper/0]
            >       0       0   1  ffff8880001c8a40  RU   0.0        0        0  [swapper/1]
            >       1       0   0  ffff888000178000  RU   0.0      164       12  init
                    2       0   0  ffff888000178a40  IN   0.0        0        0  [kthreadd]
            """
        #expect(CrashWarnings.listedTasks(inPS: ps) == 2)
    }

    @Test func aShortTaskListNamesTheCrashThatFollowsTheStructPidChange() throws {
        let diagnosis = try #require(
            CrashWarnings.diagnose(
                warnings: CrashWarnings.scan("WARNING: active task ffff936992ad0000 on cpu 1 not found in PID hash"),
                crashVersion: "8.0.2", kernelRelease: "6.1.128-1.el9", listedTasks: 3, kernelTasks: 212))
        #expect(diagnosis.message == "crash 8.0.2 is older than this kernel: task list incomplete (3 of 212 tasks)")
        #expect(diagnosis.install?.hasPrefix("install crash 8.0.4 or later: it follows the `struct upid numbers[]`") == true)
        // The same short list with no warning at all still says so; a complete one with no warning says nothing.
        #expect(
            CrashWarnings.diagnose(warnings: [], crashVersion: "8.0.2", kernelRelease: "6.6.1", listedTasks: 2, kernelTasks: 90)?
                .message == "crash 8.0.2 is older than this kernel: task list incomplete (2 of 90 tasks)")
        #expect(CrashWarnings.diagnose(warnings: [], crashVersion: "8.0.2", kernelRelease: "6.1.1", listedTasks: 18, kernelTasks: 18) == nil)
        #expect(CrashWarnings.diagnose(warnings: [], crashVersion: nil, kernelRelease: nil, listedTasks: 0, kernelTasks: 18) == nil)
    }

    @Test func aMismatchedVmlinuxIsNotCalledTooOld() throws {
        let diagnosis = try #require(
            CrashWarnings.diagnose(
                warnings: CrashWarnings.scan("WARNING: kernel version inconsistency between vmlinux and dumpfile"),
                crashVersion: "9.0.0", kernelRelease: "6.1.1", listedTasks: nil, kernelTasks: nil))
        #expect(diagnosis.message.contains("the debug vmlinux is not the dump's kernel"))
        #expect(diagnosis.install == nil)
    }

    @Test func theCompatibilityTableFollowsCrashsHistory() {
        #expect(CrashCompatibility.problems(crashVersion: "8.0.2", kernelRelease: "6.1.100-tiny").map(\.change.name) == ["maple tree"])
        #expect(CrashCompatibility.problems(crashVersion: "8.0.2", kernelRelease: "6.1.112").map(\.change.name) == ["maple tree", "upid numbers[]"])
        #expect(CrashCompatibility.problems(crashVersion: "8.0.3", kernelRelease: "6.8.0-45-generic").map(\.change.name) == ["upid numbers[]"])
        #expect(CrashCompatibility.problems(crashVersion: "8.0.4", kernelRelease: "6.8.0").isEmpty)
        #expect(CrashCompatibility.problems(crashVersion: "7.3.0", kernelRelease: "5.14.0-427.el9.x86_64").isEmpty)
        #expect(CrashCompatibility.problems(crashVersion: "9.0.0++", kernelRelease: "6.12.1").isEmpty)
        #expect(CrashCompatibility.problems(crashVersion: "?", kernelRelease: "6.12.1").isEmpty)
    }
}

/// crash 8.0.2 predates the maple tree of VMAs (Linux 6.1): its `vm` of the oom dump's user task stops at
/// "invalid structure member offset: mm_struct_mmap". Its `ps` still lists every task of these kernels (they keep
/// `upid numbers[1]`), so the count agrees with `nr_threads`.
@Suite(.enabled(if: CrashTestSupport.crashBinary != nil, "crash is not installed"))
struct CrashWarningsFixtureTests {
    @Test func realCrashOnTheOOMDumpIsDiagnosedAndNamesTheFix() async throws {
        let dump = try await DumpFixtures.shared.path("oom.kdump-d31", classes: true)
        let vmlinux = try await DumpFixtures.shared.path("vmlinux", classes: true)
        let job = try TemporaryDirectory.make("cas-warnings")
        defer { try? FileManager.default.removeItem(atPath: job) }
        let ps = try String(contentsOfFile: TestTools.packageRoot + "/Snippets/90-ps", encoding: .utf8)
        try Data(("vm >> vm\n" + ps + "exit\n").utf8).write(to: URL(fileURLWithPath: job + "/crash.in"))
        let run = CrashRun(
            crash: try #require(CrashTestSupport.crashBinary), directory: job, dump: dump, vmlinux: vmlinux,
            timeoutSeconds: 600)
        try await run.run()
        let crash = try await Command(try #require(CrashTestSupport.crashBinary), ["--version"]).run()
        let version = try #require(crash.standardOutput.split(separator: "\n").first?.split(separator: " ").last.map(String.init))
        let (warnings, found) = CrashWarnings.diagnose(directory: job, kernelRelease: "6.1.192-tiny-classes")
        guard try #require(CrashCompatibility.numbers(version)).lexicographicallyPrecedes([8, 0, 3]) else {
            #expect(found == nil, "crash \(version) follows the maple tree: \(warnings)")
            return
        }
        #expect(warnings.map(\.line) == ["vm: invalid structure member offset: mm_struct_mmap"])
        let diagnosis = try #require(found)
        #expect(diagnosis.listedTasks == 26 && diagnosis.kernelTasks == 26, "\(diagnosis)")
        #expect(diagnosis.message == "crash \(version) is older than this kernel: vm: invalid structure member offset: mm_struct_mmap")
        #expect(diagnosis.install?.hasPrefix("install crash 8.0.3 or later: it follows the maple tree of VMAs") == true)
    }
}

import CASTestSupport
import Foundation
import Testing

@testable import CASCore

/// crash runs that need no real dump: failures, timeouts, missing binaries (fake crash scripts).
@Suite struct CrashRunTests {
    typealias T = CrashTestSupport

    func fakeRun(_ script: String, timeout: Int = 2) throws -> (CrashRun, String) {
        let job = try TemporaryDirectory.make("cas-crash")
        let crash = try T.writeScript(job + "/fake-crash", script)
        return (
            CrashRun(crash: crash, directory: job, dump: "vmcore", vmlinux: "vmlinux", timeoutSeconds: timeout), job
        )
    }

    @Test func argumentsAreVmlinuxDumpAndInput() {
        let run = CrashRun(crash: "crash", directory: "/j", dump: "/j/vmcore", vmlinux: "/j/vmlinux", timeoutSeconds: 1)
        #expect(run.arguments == ["-s", "/j/vmlinux", "/j/vmcore", "-i", "crash.in"])
    }

    @Test func failureCarriesCrashsOwnLinesFromStderrAndStdout() async throws {
        let (run, job) = try fakeRun(
            "#!/bin/sh\necho \"cwd=$(pwd)\"\necho 'crash: vmlinux and vmcore do not match!' >&2\n"
                + "echo\necho 'Usage:' \necho '  crash [OPTION]...'\nexit 1\n")
        do {
            try await run.run()
            Issue.record("no error")
        } catch {
            guard case .failed(let summary, let lines, _) = error else { throw error }
            #expect(summary == "exit status 1")
            #expect(lines == "crash: vmlinux and vmcore do not match!")
            #expect(error.exitStatus == .crashFailed)
            #expect(error.description.contains("vmlinux and vmcore do not match"))
        }
        let out = T.read(job, "crash.out")
        #expect(out.hasPrefix("cwd=\(job)\ncrash: vmlinux and vmcore do not match!\n\nUsage:"))
    }

    @Test func lastLinesWithoutCrashPrefixAreTheTail() {
        #expect(CrashRun.lastLines(of: "a\nb\n\nc\nd\n  \n") == "b | c | d")
    }

    @Test(arguments: [
        "#!/bin/sh\necho partial\nexec sleep 1000\n",
        "#!/bin/sh\necho partial\nsleep 1000 &\necho $! > child.pid\nwait\n",
    ])
    func hangingCrashIsKilledAtTheTimeoutKeepingPartialOutput(script: String) async throws {
        let (run, job) = try fakeRun(script, timeout: 2)
        let start = ContinuousClock.now
        do {
            try await run.run()
            Issue.record("no timeout")
        } catch {
            guard case .timedOut(let seconds, let directory) = error else { throw error }
            #expect(seconds == 2 && directory == job)
            #expect(error.exitStatus == .crashFailed)
        }
        #expect(ContinuousClock.now - start < .seconds(30))
        #expect(T.read(job, "crash.out") == "partial\n")
        if let pid = Int32(T.read(job, "child.pid").trimmingCharacters(in: .whitespacesAndNewlines)) {
            let state = T.read("/proc/\(pid)", "stat").split(separator: " ").dropFirst(2).first
            #expect(state == nil || state == "Z", "child sleep \(pid) survived the timeout")
        }
    }

    @Test func missingCrashBinaryCannotStart() async throws {
        let job = try TemporaryDirectory.make("cas-crash")
        let run = CrashRun(crash: job + "/no-crash", directory: job, dump: "d", vmlinux: "v", timeoutSeconds: 5)
        await #expect(throws: CrashError.self) { try await run.run() }
    }

    @Test(.enabled(if: CrashTestSupport.crashBinary != nil, "crash is not installed"))
    func garbageDumpFailsWithTheRealCrashsMessage() async throws {
        let crash = try #require(T.crashBinary)
        let job = try TemporaryDirectory.make("cas-crash")
        try Data(repeating: 0x5a, count: 100_000).write(to: URL(fileURLWithPath: job + "/vmcore"))
        try "sys\nexit\n".write(toFile: job + "/crash.in", atomically: true, encoding: .utf8)
        let run = CrashRun(
            crash: crash, directory: job, dump: "vmcore", vmlinux: try T.fixture("vmlinux"), timeoutSeconds: 600)
        do {
            try await run.run()
            Issue.record("no error")
        } catch {
            guard case .failed(_, let lines, _) = error else { throw error }
            #expect(lines == "crash: vmcore: not a supported file format")
        }
    }
}

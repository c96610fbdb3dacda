import CASTestSupport
import Foundation
import Testing

@testable import CASCore

/// ``CrashResume`` with a stand-in for crash: a shell script that reads the `-i` file like crash does
/// (`!cmd` to the shell, `exit` ends), dies on `die`, and ignores `!` lines when it plays a crash without shell.
@Suite struct CrashResumeTests {
    typealias T = CrashTestSupport

    static let interpreter = """
        #!/bin/sh
        # $1: the input file. Every other line is "run": appended to ran.
        while IFS= read -r line; do
          case "$line" in
            '!'*) [ -n "$NO_SHELL" ] || sh -c "${line#!}" ;;
            die) exit 9 ;;
            exit) exit 0 ;;
            *) echo "$line" >> ran ;;
          esac
        done < "$1"
        """

    func run(_ commands: [String], noShell: Bool = false) async throws -> (CrashRunOutcome, String) {
        let job = try TemporaryDirectory.make("cas-crash")
        let script = try T.writeScript(job + "/fake-crash", Self.interpreter)
        let outcome = try await CrashResume.run(commands: commands, directory: job, timeoutSeconds: 30) {
            input, output, timeout throws(CrashError) in
            let command = Command(
                script, [input], environment: noShell ? ["NO_SHELL": "1", "PATH": "/usr/bin:/bin"] : nil,
                workingDirectory: job, timeout: timeout, output: .fileWithErrors(job + "/" + output))
            return try await CrashRun.execute(command, crash: script, binary: script)
        }
        return (outcome, job)
    }

    @Test func aCommandThatEndsCrashIsSkippedAndTheRestRunInANewProcess() async throws {
        let (outcome, job) = try await run(["sys", "die", "log", "die", "bt"])
        #expect(T.read(job, "ran") == "sys\nlog\nbt\n")
        #expect(outcome.attempts == 3)
        #expect(outcome.failures.map(\.command) == ["die", "die"])
        #expect(T.read(job, "crash.out").contains("--- cas: crash restarted after `die` failed"))
        #expect(!FileManager.default.fileExists(atPath: job + "/" + CrashResume.progressDirectory))
    }

    @Test func aCleanBatchRunsOnce() async throws {
        let (outcome, job) = try await run(["sys", "log"])
        #expect(outcome == CrashRunOutcome(attempts: 1, failures: []))
        #expect(T.read(job, "ran") == "sys\nlog\n")
    }

    @Test func aCrashWithoutShellCommandsRunsTheBatchAsOne() async throws {
        let (outcome, job) = try await run(["sys", "log"], noShell: true)
        #expect(outcome == CrashRunOutcome(attempts: 1, failures: []))
        #expect(T.read(job, "ran") == "sys\nlog\n")
    }

    @Test func crashThatCannotStartFailsTheRun() async throws {
        let job = try TemporaryDirectory.make("cas-crash")
        let script = try T.writeScript(job + "/fake-crash", "#!/bin/sh\necho 'crash: cannot open dump' >&2\nexit 1\n")
        await #expect(throws: CrashError.self) {
            try await CrashResume.run(commands: ["sys"], directory: job, timeoutSeconds: 30) {
                input, output, timeout throws(CrashError) in
                let command = Command(
                    script, [input], workingDirectory: job, timeout: timeout, output: .fileWithErrors(job + "/" + output))
                return try await CrashRun.execute(command, crash: script, binary: script)
            }
        }
    }
}

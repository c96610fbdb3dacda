import Foundation
import Testing

@testable import CASCore

@Suite struct CommandFileWithErrorsTests {
    @Test func standardErrorLandsInTheFileInOrder() async throws {
        let dir = try CrashTestSupport.temporaryDirectory("cas-command")
        let result = try await Command(
            "/bin/sh", ["-c", "echo one; echo two >&2; echo three; echo four >&2"],
            output: .fileWithErrors(dir + "/out")
        ).run()
        #expect(result.succeeded)
        #expect(result.standardError.isEmpty && result.standardOutput.isEmpty)
        #expect(CrashTestSupport.read(dir, "out") == "one\ntwo\nthree\nfour\n")
    }

    @Test func truncatesAnExistingFileAndReportsTheStatus() async throws {
        let dir = try CrashTestSupport.temporaryDirectory("cas-command")
        try "old content that is long\n".write(toFile: dir + "/out", atomically: true, encoding: .utf8)
        let result = try await Command(
            "/bin/sh", ["-c", "echo new >&2; exit 4"], output: .fileWithErrors(dir + "/out")
        )
        .run()
        #expect(result.status == 4 && !result.succeeded)
        #expect(CrashTestSupport.read(dir, "out") == "new\n")
    }

    @Test func unwritableFileCannotStart() async {
        await #expect(throws: CommandError.self) {
            try await Command("/bin/true", [], output: .fileWithErrors("/nonexistent/dir/out")).run()
        }
    }
}

import CASTestSupport
import Foundation
import Testing

@testable import CASCore

@Suite struct CommandFileWithErrorsTests {
    @Test func standardErrorLandsInTheFileInOrder() async throws {
        let dir = try TemporaryDirectory.make("cas-command")
        let result = try await Command(
            "/bin/sh", ["-c", "echo one; echo two >&2; echo three; echo four >&2"],
            output: .fileWithErrors(dir + "/out")
        ).run()
        #expect(result.succeeded)
        #expect(result.standardError.isEmpty && result.standardOutput.isEmpty)
        #expect(CrashTestSupport.read(dir, "out") == "one\ntwo\nthree\nfour\n")
    }

    @Test func reportsTheStatus() async throws {
        let dir = try TemporaryDirectory.make("cas-command")
        let result = try await Command(
            "/bin/sh", ["-c", "echo new >&2; exit 4"], output: .fileWithErrors(dir + "/out")
        )
        .run()
        #expect(result.status == 4 && !result.succeeded)
        #expect(CrashTestSupport.read(dir, "out") == "new\n")
    }

    /// An output file is created new: an existing file (a customer's, a hard link to an upload) or a
    /// symlink at that name is never opened, so it can never be truncated or written through.
    @Test func neverWritesThroughAnExistingFileOrLink() async throws {
        let dir = try TemporaryDirectory.make("cas-command")
        try "the customer's bytes\n".write(toFile: dir + "/out", atomically: true, encoding: .utf8)
        await #expect(throws: CommandError.self) {
            try await Command("/bin/sh", ["-c", "echo new"], output: .fileWithErrors(dir + "/out")).run()
        }
        #expect(CrashTestSupport.read(dir, "out") == "the customer's bytes\n")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/target")
        await #expect(throws: CommandError.self) {
            try await Command("/bin/sh", ["-c", "echo new"], output: .file(dir + "/link")).run()
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/target"))
    }

    @Test func unwritableFileCannotStart() async {
        await #expect(throws: CommandError.self) {
            try await Command("/bin/true", [], output: .fileWithErrors("/nonexistent/dir/out")).run()
        }
    }
}

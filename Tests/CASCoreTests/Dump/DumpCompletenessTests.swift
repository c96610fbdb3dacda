import CASCore
import CASTestSupport
import Foundation
import Testing

/// A dump cut short, makedumpfile's incomplete flag, ELF segments past the end: the real fixture dumps, cut.
@Suite("Dump completeness")
struct DumpCompletenessTests {
    /// A copy of the fixture `name` holding its first `keep` bytes (all when nil), in a temporary directory.
    static func copy(_ name: String, keep: Int64? = nil, patch: (offset: UInt64, byte: UInt8)? = nil) async throws -> String {
        let source = try Fixtures.path(name)
        let directory = try TemporaryDirectory.make("cas-cut")
        let path = directory + "/" + name
        try FileManager.default.copyItem(atPath: source, toPath: path)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        if let keep { try handle.truncate(atOffset: UInt64(keep)) }
        if let patch {
            try handle.seek(toOffset: patch.offset)
            let old = try handle.read(upToCount: 1) ?? Data([0])
            try handle.seek(toOffset: patch.offset)
            try handle.write(contentsOf: Data([old[0] | patch.byte]))
        }
        return path
    }

    @Test(arguments: ["vmcore.kdump-d31", "vmcore.elf"])
    func wholeDumpsAreComplete(_ name: String) async throws {
        let result = try #require(DumpCompleteness.check(path: try await Self.copy(name)))
        #expect(result.complete, "\(result)")
        #expect(result.problem == nil)
        #expect((result.expectedBytes ?? 0) > result.actualBytes / 2, "the last page ends near the end of the file")
    }

    @Test(arguments: ["vmcore.kdump-d31", "vmcore.elf"])
    func aDumpCutShortSaysHowMuchIsMissing(_ name: String) async throws {
        let whole = try #require(DumpCompleteness.check(path: try await Self.copy(name)))
        let expected = try #require(whole.expectedBytes)
        let keep = expected * 6 / 10
        let cut = try #require(DumpCompleteness.check(path: try await Self.copy(name, keep: keep)))
        #expect(!cut.complete)
        #expect(cut.expectedBytes == expected)
        #expect(cut.missingBytes == expected - keep)
        #expect(cut.problem?.hasPrefix("dump is truncated: ") == true)
        #expect(cut.problem?.contains("missing (40%)") == true, "\(cut.problem ?? "")")
    }

    @Test func makedumpfilesIncompleteFlagIsReported() async throws {
        // disk_dump_header.status at offset 424 on 64-bit machines; DUMP_DH_COMPRESSED_INCOMPLETE = 0x8.
        let path = try await Self.copy("vmcore.kdump-d31", patch: (424, 0x8))
        let result = try #require(DumpCompleteness.check(path: path))
        #expect(result.incompleteFlag)
        #expect(result.missingBytes == 0)
        #expect(result.problem?.contains("makedumpfile marked the dump incomplete") == true)
    }

    @Test func otherFilesAreNotJudged() async throws {
        // makedumpfile's flattened format (-F) is a stream, not judged here.
        #expect(DumpCompleteness.check(path: try Fixtures.path("vmcore.flat")) == nil)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cas-not-a-dump-\(getpid())").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: path))
        #expect(DumpCompleteness.check(path: path) == nil)
    }
}

@testable import CASCore
import CASTestSupport
import Foundation
import Testing

/// The outermost layer decompressed by an installed program (`pigz`, `lbzip2`, `xz -T0`) in its own process:
/// same bytes out as libarchive in-process, failures in the program's words, and `auto` choosing a program
/// only where it is faster (large bzip2, multi-block xz).
@Suite struct DecompressorTests {
    static func intake(_ file: String, into job: String, _ decompressors: Decompressors) throws(ArchiveError)
        -> IntakeRecord
    {
        var intake = Intake(source: file, jobDirectory: job, limits: IntakeTests.limits, sniffLength: 4096,
                            dumpRank: ArchiveFixtures.testRank)
        intake.showProgress = false
        intake.decompressors = decompressors
        return try intake.run()
    }

    struct Case: Sendable, CustomStringConvertible {
        let file: String
        let program: String
        let make: String
        var description: String { file }
    }

    static let cases: [Case] = [
        Case(file: "case.tar.bz2", program: "lbzip2", make: "tar cjf case.tar.bz2 vmcore vmcore-dmesg.txt"),
        Case(file: "vmcore.bz2", program: "lbzip2", make: "bzip2 -c vmcore > vmcore.bz2"),
        Case(file: "case.tar.gz", program: "pigz", make: "tar czf case.tar.gz vmcore vmcore-dmesg.txt"),
        Case(file: "case.tar.xz", program: "xz",
             make: "tar cf - vmcore vmcore-dmesg.txt | xz -T2 -0 --block-size=256KiB > case.tar.xz"),
    ]

    @Test(arguments: cases)
    func eachProgramUnpacksTheSameBytesAsLibarchive(_ item: Case) throws {
        try #require(ArchiveFixtures.has(item.program), "\(item.program) is installed (make deps)")
        let (work, job) = try IntakeTests.workspace()
        defer { ArchiveFixtures.cleanup(work) }
        try ArchiveFixtures.shell(item.make, in: work)
        let record = try Self.intake(work + "/" + item.file, into: job, .programs)
        #expect(record.decompressor == item.program)
        #expect(record.summary.contains("(decompressed by \(item.program))"))
        let original = try Data(contentsOf: URL(fileURLWithPath: work + "/vmcore"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: job + "/vmcore")) == original)
        // Progress counts the compressed bytes the program read: all of the upload.
        let size = try #require(ArchiveFixtures.fileInfo(work + "/" + item.file)).size
        #expect(record.bytesIn == size)
        let builtin = work + "/builtin"
        try FileManager.default.createDirectory(atPath: builtin, withIntermediateDirectories: false)
        let inProcess = try Self.intake(work + "/" + item.file, into: builtin, .builtin)
        #expect(inProcess.decompressor == nil)
        #expect(inProcess.layers == record.layers)
        #expect(ArchiveFixtures.files(builtin) == ArchiveFixtures.files(job))
    }

    @Test(arguments: [("vmcore.tar.bz2", "lbzip2", "bzip2"), ("vmcore.gz", "pigz", "gzip"),
                      ("vmcore.tar.xz", "xz", "xz")])
    func aTruncatedStreamFailsInTheProgramsWordsAndLeavesNothing(_ file: String, _ program: String, _ format: String)
        throws
    {
        try #require(ArchiveFixtures.has(program), "\(program) is installed (make deps)")
        let (work, job) = try IntakeTests.workspace()
        defer { ArchiveFixtures.cleanup(work) }
        let make = switch format {
        case "bzip2": "tar cf - vmcore | bzip2 > full"
        case "gzip": "gzip -c vmcore > full"
        default: "tar cf - vmcore | xz -T2 -0 --block-size=256KiB > full"
        }
        try ArchiveFixtures.shell(make + " && head -c $(( $(stat -c %s full) * 2 / 3 )) full > \(file)", in: work)
        var failure: ArchiveError?
        do { _ = try Self.intake(work + "/" + file, into: job, .programs) } catch { failure = error }
        let text = try #require(failure).description
        #expect(text.hasPrefix(file + ":"), "\(text)")
        #expect(text.contains("\(format) data is corrupt or truncated"), "\(text)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: job).isEmpty)
    }

    @Test func autoDecodesSmallUploadsInProcess() throws {
        try #require(ArchiveFixtures.has("lbzip2"))
        let (work, job) = try IntakeTests.workspace()
        defer { ArchiveFixtures.cleanup(work) }
        try ArchiveFixtures.shell("tar cjf case.tar.bz2 vmcore", in: work)
        let record = try Self.intake(work + "/case.tar.bz2", into: job, .auto)
        #expect(record.decompressor == nil)
        #expect(record.dump == "vmcore")
    }

    /// `auto` on uploads past its threshold: lbzip2 for bzip2, `xz -T0` only for multi-block xz, never pigz.
    @Test func autoChoosesParallelProgramsOnlyWhereTheyAreFaster() throws {
        try #require(ArchiveFixtures.has("lbzip2") && ArchiveFixtures.has("pigz"))
        try #require(sysconf(Int32(_SC_NPROCESSORS_ONLN)) >= 2, "auto uses programs on multi-core machines only")
        let work = try ArchiveFixtures.temporaryDirectory()
        defer { ArchiveFixtures.cleanup(work) }
        // 33 MiB of incompressible data, just past the threshold once compressed.
        try ArchiveFixtures.shell("""
            head -c 33M /dev/urandom > data
            bzip2 -1 -c data > data.bz2
            gzip -1 -c data > data.gz
            xz -T2 -0 --block-size=4MiB -c data > multi.xz
            xz -T1 -0 -c data > single.xz
            """, in: work)
        func chosen(_ name: String) -> String? { DecompressorProcess.program(for: work + "/" + name, .auto)?.format }
        #expect(chosen("data.bz2") == "bzip2")
        #expect(chosen("multi.xz") == "xz")
        #expect(chosen("single.xz") == nil)
        #expect(chosen("data.gz") == nil)
        #expect(DecompressorProcess.program(for: work + "/data.gz", .programs)?.format == "gzip")
        #expect(DecompressorProcess.program(for: work + "/data.bz2", .builtin) == nil)
        #expect(DecompressorProcess.program(for: work + "/data", .programs) == nil)
        let fd = open(work + "/multi.xz", O_RDONLY)
        defer { close(fd) }
        let size = try #require(ArchiveFixtures.fileInfo(work + "/multi.xz")).size
        #expect(DecompressorProcess.xzBlockCount(fd, size: size) == 9)
    }

    @Test func theSettingIsReadFromAdvanced() throws {
        let base = "[settings]\nkernels = /k\ndebugs = /d\nworkDirectory = /w\ndatabase = /db\n"
        #expect(try Settings.parse(base, path: "/c", base: "/").decompressors == .auto)
        let chosen = try Settings.parse(base + "[advanced]\ndecompressors = builtin\n", path: "/c", base: "/")
        #expect(chosen.decompressors == .builtin)
        #expect(throws: ConfigError.self) {
            try Settings.parse(base + "[advanced]\ndecompressors = fast\n", path: "/c", base: "/")
        }
    }
}

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
        #expect(try Data(contentsOf: URL(fileURLWithPath: job + "/input/vmcore")) == original)
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
        // Named from the upload, or from the member being read when the stream broke ("x.tar.bz2 ⊃ vmcore:").
        #expect(text.hasPrefix(file + ":") || text.hasPrefix(file + " ⊃ "), "\(text)")
        #expect(text.contains("\(format) data is corrupt or truncated"), "\(text)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: job).isEmpty)
    }

    /// `auto`: lbzip2 for bzip2, `xz -T0` only for multi-block xz, never pigz; on the real upload path too.
    @Test func autoChoosesParallelProgramsOnlyWhereTheyAreFaster() throws {
        try #require(ArchiveFixtures.has("lbzip2") && ArchiveFixtures.has("pigz"))
        try #require(sysconf(Int32(_SC_NPROCESSORS_ONLN)) >= 2, "auto uses programs on multi-core machines only")
        let (work, job) = try IntakeTests.workspace()
        defer { ArchiveFixtures.cleanup(work) }
        try ArchiveFixtures.shell("""
            tar cf case.tar vmcore vmcore-dmesg.txt
            bzip2 -c case.tar > case.tar.bz2
            gzip -c case.tar > case.tar.gz
            xz -T2 -0 --block-size=256KiB -c case.tar > multi.tar.xz
            xz -T1 -0 -c case.tar > single.tar.xz
            """, in: work)
        func chosen(_ name: String) -> String? { DecompressorProcess.program(for: work + "/" + name, .auto)?.format }
        #expect(chosen("case.tar.bz2") == "bzip2")
        #expect(chosen("multi.tar.xz") == "xz")
        #expect(chosen("single.tar.xz") == nil)
        #expect(chosen("case.tar.gz") == nil)
        #expect(chosen("case.tar") == nil)
        #expect(DecompressorProcess.program(for: work + "/case.tar.gz", .programs)?.format == "gzip")
        #expect(DecompressorProcess.program(for: work + "/single.tar.xz", .programs)?.format == "xz")
        #expect(DecompressorProcess.program(for: work + "/case.tar.bz2", .builtin) == nil)
        let fd = open(work + "/multi.tar.xz", O_RDONLY)
        defer { close(fd) }
        let size = try #require(ArchiveFixtures.fileInfo(work + "/multi.tar.xz")).size
        let tarSize = try #require(ArchiveFixtures.fileInfo(work + "/case.tar")).size
        #expect(DecompressorProcess.xzBlockCount(fd, size: size) == Int((tarSize + (256 << 10) - 1) / (256 << 10)))
        let record = try Self.intake(work + "/case.tar.bz2", into: job, .auto)
        #expect(record.decompressor == "lbzip2")
        let gz = work + "/gz"
        try FileManager.default.createDirectory(atPath: gz, withIntermediateDirectories: false)
        #expect(try Self.intake(work + "/case.tar.gz", into: gz, .auto).decompressor == nil)
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

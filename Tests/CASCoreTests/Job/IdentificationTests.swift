import CASCore
import CASTestSupport
import Foundation
import Testing

/// `cas identify`'s core: the real fixture dumps, plain and through every compression and archive layer.
/// (The identity checks need the Dump stage's parsers.)
@Suite struct IdentificationTests {
    static let release = "6.1.192-tiny-pidfix"
    static let version = "#1 SMP Wed Jan  1 00:00:00 UTC 2025"
    static let buildId = "08874375e749a8381d73fd31b60f5b1eeae9ac3b"
    static let fixtures = ["vmcore.elf", "vmcore.kdump-zlib", "vmcore.kdump-d31", "vmcore.flat"]

    static func expectTiny(_ result: Identification.Result) {
        #expect(result.identity.release == release)
        #expect(result.identity.version == version)
        #expect(result.identity.arch == "x86_64")
        #expect(result.identity.buildId == buildId)
    }

    @Test(arguments: fixtures)
    func plainFixture(_ name: String) throws {
        let path = try ArchiveFixtures.dump(name)
        let result = try Identification.identify(path: path, bufferSize: 64 << 20)
        #expect(result.member == nil)
        Self.expectTiny(result)
    }

    static let wrappings: [(file: String, make: String, member: String)] = [
        ("d.gz", "gzip -c vmcore > d.gz", "d"),
        ("d.bz2", "bzip2 -c vmcore > d.bz2", "d"),
        ("d.xz", "xz -0 -c vmcore > d.xz", "d"),
        ("d.zst", "zstd -q -c vmcore > d.zst", "d"),
        ("d.tar.gz", "tar czf d.tar.gz vmcore-dmesg.txt vmcore", "vmcore"),
        ("d.tar.xz", "tar cf - vmcore-dmesg.txt vmcore | xz -0 > d.tar.xz", "vmcore"),
        ("d.zip", "zip -q d.zip vmcore-dmesg.txt vmcore", "vmcore"),
        ("outer.zip", "tar czf in.tar.gz vmcore-dmesg.txt vmcore && zip -q outer.zip in.tar.gz", "in.tar.gz ⊃ vmcore"),
    ]

    @Test(arguments: fixtures)
    func throughEveryLayer(_ name: String) throws {
        let work = try TemporaryDirectory.make("cas-archive-test")
        defer { ArchiveFixtures.cleanup(work) }
        try FileManager.default.copyItem(atPath: try ArchiveFixtures.dump(name), toPath: work + "/vmcore")
        try Data("dmesg\n".utf8).write(to: URL(fileURLWithPath: work + "/vmcore-dmesg.txt"))
        for wrapping in Self.wrappings {
            try ArchiveFixtures.shell(wrapping.make, in: work)
            let result = try Identification.identify(path: work + "/" + wrapping.file, bufferSize: 64 << 20)
            #expect(result.member == wrapping.member, "\(name) in \(wrapping.file)")
            Self.expectTiny(result)
        }
    }

    /// A 1 GiB dump (the fixture ELF followed by 15 more copies of its bytes, so the tail does not compress
    /// away) in a .zst is identified after reading a small part of the file.
    @Test func largeDumpIsIdentifiedFromItsFirstMegabytes() throws {
        guard ArchiveFixtures.has("zstd") else {
            print("skipped: zstd is not installed")
            return
        }
        let work = try TemporaryDirectory.make("cas-archive-test")
        defer { ArchiveFixtures.cleanup(work) }
        try FileManager.default.copyItem(atPath: try ArchiveFixtures.dump("vmcore.elf"), toPath: work + "/vmcore")
        try ArchiveFixtures.shell("for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do cat vmcore; done | zstd -q -1 > big.zst",
                                  in: work)
        let size = try #require(ArchiveFixtures.fileInfo(work + "/big.zst")).size
        #expect(size > 16 << 20)
        let result = try Identification.identify(path: work + "/big.zst", bufferSize: 64 << 20)
        Self.expectTiny(result)
        #expect(result.bytesRead < size / 4)
    }

    @Test func archiveWithoutDumpSaysWhatItIs() throws {
        let work = try TemporaryDirectory.make("cas-archive-test")
        defer { ArchiveFixtures.cleanup(work) }
        try ArchiveFixtures.shell("echo hello > notes.txt && tar czf notes.tar.gz notes.txt", in: work)
        #expect {
            try Identification.identify(path: work + "/notes.tar.gz", bufferSize: 64 << 20)
        } throws: { error in
            guard let error = error as? IdentifyError else { return false }
            return error.exitStatus == .badInput
                && error.description.hasSuffix("gzip data holding a tar archive with no kernel dump in it")
        }
    }

    @Test func missingFileIsNoInputNotBadInput() {
        #expect {
            try Identification.identify(path: "/nonexistent/vmcore", bufferSize: 64 << 20)
        } throws: { error in
            (error as? IdentifyError)?.exitStatus == .noInput
        }
    }

    @Test func dumpRankPrefersSupportedFormats() throws {
        let elf = try FileByteSource(path: try ArchiveFixtures.dump("vmcore.elf")).read(at: 0, count: 4096)
        #expect(Identification.dumpRank(elf) == 2)
        #expect(Identification.dumpRank(Array("hello".utf8)) == 0)
    }

    /// A vmlinux (any ELF executable) given as the upload is refused by intake saying what it is; inside an
    /// archive it stays an extra member.
    @Test func intakeOfAnELFExecutableSaysWhatItIs() throws {
        let work = try TemporaryDirectory.make("cas-archive-test")
        defer { ArchiveFixtures.cleanup(work) }
        try FileManager.default.createDirectory(atPath: work + "/job", withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: "/bin/true", toPath: work + "/vmlinux")
        let settings = Settings.defaults(base: work, source: "test")
        #expect {
            try IntakeStage(settings: settings).run(file: work + "/vmlinux", jobDirectory: work + "/job")
        } throws: { error in
            (error as? ArchiveError)?.description == "vmlinux: no kernel crash dump in it (ELF executable/shared "
                + "object, not a core: did you give the vmlinux instead of the dump?)"
        }
        try ArchiveFixtures.shell("tar cf vmlinux.tar vmlinux", in: work)
        #expect {
            try IntakeStage(settings: settings).run(file: work + "/vmlinux.tar", jobDirectory: work + "/job")
        } throws: { error in
            (error as? ArchiveError)?.description.contains("tar archive holding: vmlinux") == true
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: work + "/job").isEmpty)
    }
}

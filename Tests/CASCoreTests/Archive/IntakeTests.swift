import CASCore
import CASTestSupport
import Foundation
import Testing

/// Intake of every format and nesting, built with the real tools around the real fixture dumps.
@Suite struct IntakeTests {
    static let limits = Intake.Limits(maxUnpackSize: 4 << 40, maxExpansionRatio: 1000)

    static func intake(_ file: String, into job: String, limits: Intake.Limits = limits) throws(ArchiveError)
        -> IntakeRecord
    {
        var intake = Intake(source: file, jobDirectory: job, limits: limits, sniffLength: 4096,
                            dumpRank: ArchiveFixtures.testRank)
        intake.showProgress = false
        return try intake.run()
    }

    /// A work directory holding `vmcore` (the kdump-zlib fixture) and `vmcore-dmesg.txt`, plus a job directory.
    static func workspace() throws -> (work: String, job: String) {
        let work = try TemporaryDirectory.make("cas-archive-test")
        try FileManager.default.copyItem(atPath: try ArchiveFixtures.dump("vmcore.kdump-zlib"), toPath: work + "/vmcore")
        try Data("[    0.000000] Linux version 6.1.192-tiny-pidfix\n".utf8).write(
            to: URL(fileURLWithPath: work + "/vmcore-dmesg.txt"))
        try FileManager.default.createDirectory(atPath: work + "/job", withIntermediateDirectories: false)
        return (work, work + "/job")
    }

    struct Case: Sendable, CustomStringConvertible {
        let file: String
        let tool: String
        let make: String
        let hasExtra: Bool
        var description: String { file }
    }

    static let cases: [Case] = [
        Case(file: "vmcore.gz", tool: "gzip", make: "gzip -c vmcore > vmcore.gz", hasExtra: false),
        Case(file: "vmcore.bz2", tool: "bzip2", make: "bzip2 -c vmcore > vmcore.bz2", hasExtra: false),
        Case(file: "vmcore.xz", tool: "xz", make: "xz -0 -c vmcore > vmcore.xz", hasExtra: false),
        Case(file: "vmcore.lzma", tool: "xz", make: "xz -0 --format=lzma -c vmcore > vmcore.lzma", hasExtra: false),
        Case(file: "vmcore.zst", tool: "zstd", make: "zstd -q -c vmcore > vmcore.zst", hasExtra: false),
        Case(file: "vmcore.lz4", tool: "lz4", make: "lz4 -q -c vmcore > vmcore.lz4", hasExtra: false),
        Case(file: "vmcore.gz.bz2", tool: "bzip2", make: "gzip -c vmcore | bzip2 > vmcore.gz.bz2", hasExtra: false),
        Case(file: "case.tar", tool: "tar", make: "tar cf case.tar vmcore vmcore-dmesg.txt", hasExtra: true),
        Case(file: "case.pax.tar", tool: "tar", make: "tar --format=pax -cf case.pax.tar vmcore vmcore-dmesg.txt",
             hasExtra: true),
        Case(file: "case.v7.tar", tool: "tar", make: "tar --format=v7 -cf case.v7.tar vmcore vmcore-dmesg.txt",
             hasExtra: true),
        Case(file: "case.sparse.tar", tool: "tar", make: "tar --sparse -cf case.sparse.tar vmcore vmcore-dmesg.txt",
             hasExtra: true),
        Case(file: "case.tar.gz", tool: "gzip", make: "tar czf case.tar.gz vmcore vmcore-dmesg.txt", hasExtra: true),
        Case(file: "case.tar.bz2", tool: "bzip2", make: "tar cjf case.tar.bz2 vmcore vmcore-dmesg.txt", hasExtra: true),
        Case(file: "case.tar.xz", tool: "xz", make: "tar cf - vmcore vmcore-dmesg.txt | xz -0 > case.tar.xz",
             hasExtra: true),
        Case(file: "case.tar.zst", tool: "zstd", make: "tar --zstd -cf case.tar.zst vmcore vmcore-dmesg.txt",
             hasExtra: true),
        Case(file: "case.cpio", tool: "cpio", make: "printf 'vmcore\\nvmcore-dmesg.txt\\n' | cpio -o -H newc --quiet > case.cpio",
             hasExtra: true),
        Case(file: "case.cpio.gz", tool: "cpio",
             make: "printf 'vmcore\\nvmcore-dmesg.txt\\n' | cpio -o -H odc --quiet | gzip > case.cpio.gz", hasExtra: true),
        Case(file: "case.zip", tool: "zip", make: "zip -q case.zip vmcore vmcore-dmesg.txt", hasExtra: true),
        Case(file: "outer.zip", tool: "zip",
             make: "tar czf vmcore.tar.gz vmcore vmcore-dmesg.txt && zip -q outer.zip vmcore.tar.gz", hasExtra: true),
        Case(file: "deep.tar.xz", tool: "zip",
             make: "tar czf a.tar.gz vmcore vmcore-dmesg.txt && zip -q b.zip a.tar.gz && tar cf c.tar b.zip "
                + "&& xz -0 -c c.tar > deep.tar.xz", hasExtra: true),
        Case(file: "case.7z", tool: "7zz", make: "7zz a -bd -bso0 -bsp0 case.7z vmcore vmcore-dmesg.txt", hasExtra: true),
        Case(file: "named-wrong.zip", tool: "gzip", make: "gzip -c vmcore > named-wrong.zip", hasExtra: false),
    ]

    @Test(arguments: cases)
    func unpacksEveryFormatAndNesting(_ item: Case) throws {
        guard ArchiveFixtures.has(item.tool) else {
            print("skipped \(item.file): \(item.tool) is not installed")
            return
        }
        let (work, job) = try Self.workspace()
        defer { ArchiveFixtures.cleanup(work) }
        try ArchiveFixtures.shell(item.make, in: work)
        let record = try Self.intake(work + "/" + item.file, into: job)
        #expect(record.dump == (item.file == "named-wrong.zip" ? "input/named-wrong" : "input/vmcore"))
        #expect(!record.linked)
        let original = try Data(contentsOf: URL(fileURLWithPath: work + "/vmcore"))
        let unpacked = try Data(contentsOf: URL(fileURLWithPath: job + "/" + record.dump))
        #expect(unpacked == original)
        let expected = item.hasExtra ? ["input/vmcore", "input/vmcore-dmesg.txt"] : [record.dump]
        #expect(ArchiveFixtures.files(job) == expected)
        let extra = item.hasExtra ? Int64(ArchiveFixtures.fileInfo(work + "/vmcore-dmesg.txt")?.size ?? 0) : 0
        #expect(record.bytesOut == Int64(original.count) + extra)
    }

    @Test func plainDumpIsLinkedNotCopiedAndSourceUntouched() throws {
        let (work, job) = try Self.workspace()
        defer { ArchiveFixtures.cleanup(work) }
        let before = try #require(ArchiveFixtures.fileInfo(work + "/vmcore"))
        let attributes = try FileManager.default.attributesOfItem(atPath: work + "/vmcore")
        let record = try Self.intake(work + "/vmcore", into: job)
        #expect(record.linked)
        #expect(record.dump == "input/vmcore")
        let linked = try #require(ArchiveFixtures.fileInfo(job + "/input/vmcore"))
        #expect(linked.inode == before.inode)
        let after = try FileManager.default.attributesOfItem(atPath: work + "/vmcore")
        #expect(after[.modificationDate] as? Date == attributes[.modificationDate] as? Date)
        #expect(after[.size] as? Int == attributes[.size] as? Int)
    }

    @Test func elfDumpIsWrittenSparse() throws {
        let work = try TemporaryDirectory.make("cas-archive-test")
        defer { ArchiveFixtures.cleanup(work) }
        try FileManager.default.createDirectory(atPath: work + "/job", withIntermediateDirectories: false)
        try ArchiveFixtures.run("/bin/sh", ["-c", "gzip -1 -c \"$1\" > \"$2\"", "sh",
                                            try ArchiveFixtures.dump("vmcore.elf"), work + "/vmcore.gz"])
        let record = try Self.intake(work + "/vmcore.gz", into: work + "/job")
        let written = try #require(ArchiveFixtures.fileInfo(work + "/job/input/vmcore"))
        #expect(written.size == 67_375_388)
        #expect(written.allocated < written.size / 2)
        #expect(record.members.first?.dataBytes ?? .max < written.size / 2)
    }

    /// `tar --sparse` of a mostly-zero ELF dump (as vmcores are often sent): holes come back as zeros, byte for byte.
    @Test func sparseTarOfAnELFDumpIsByteIdentical() throws {
        let work = try TemporaryDirectory.make("cas-archive-test")
        defer { ArchiveFixtures.cleanup(work) }
        try FileManager.default.createDirectory(atPath: work + "/job", withIntermediateDirectories: false)
        try ArchiveFixtures.run("/bin/sh", ["-c", "cp --sparse=always \"$1\" \"$2/vmcore\" && cd \"$2\" && tar --sparse -czf s.tar.gz vmcore",
                                            "sh", try ArchiveFixtures.dump("vmcore.elf"), work])
        _ = try Self.intake(work + "/s.tar.gz", into: work + "/job")
        #expect(FileManager.default.contentsEqual(atPath: work + "/job/input/vmcore", andPath: work + "/vmcore"))
    }

    /// An all-zero member reads as an empty tar archive to libarchive; it must come out as the plain file it is.
    @Test func allZeroMemberIsKeptAsAPlainFile() throws {
        let work = try TemporaryDirectory.make("cas-archive-test")
        defer { ArchiveFixtures.cleanup(work) }
        try FileManager.default.createDirectory(atPath: work + "/job", withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: try ArchiveFixtures.dump("vmcore.flat"), toPath: work + "/vmcore")
        try ArchiveFixtures.shell("head -c 1048576 /dev/zero > zeros && tar cf z.tar zeros vmcore", in: work)
        let record = try Self.intake(work + "/z.tar", into: work + "/job")
        #expect(record.dump == "input/vmcore")
        #expect(ArchiveFixtures.fileInfo(work + "/job/input/zeros")?.size == 1 << 20)
        #expect(FileManager.default.contentsEqual(atPath: work + "/job/input/vmcore", andPath: work + "/vmcore"))
    }

    @Test func largestDumpIsChosenAndOthersKept() throws {
        let work = try TemporaryDirectory.make("cas-archive-test")
        defer { ArchiveFixtures.cleanup(work) }
        try FileManager.default.createDirectory(atPath: work + "/job", withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: try ArchiveFixtures.dump("vmcore.flat"), toPath: work + "/small")
        try FileManager.default.copyItem(atPath: try ArchiveFixtures.dump("vmcore.kdump-zlib"), toPath: work + "/big")
        try ArchiveFixtures.shell("tar czf both.tar.gz small big", in: work)
        let record = try Self.intake(work + "/both.tar.gz", into: work + "/job")
        #expect(record.dump == "input/big")
        #expect(ArchiveFixtures.files(work + "/job") == ["input/big", "input/small"])
        #expect(record.warnings.contains { $0.contains("small is a dump too") })
    }

    @Test func archiveWithoutDumpListsWhatItHeld() throws {
        let (work, job) = try Self.workspace()
        defer { ArchiveFixtures.cleanup(work) }
        try ArchiveFixtures.shell("tar czf notes.tar.gz vmcore-dmesg.txt", in: work)
        #expect {
            try Self.intake(work + "/notes.tar.gz", into: job)
        } throws: { error in
            let text = (error as? ArchiveError)?.description ?? ""
            return text.contains("no kernel crash dump") && text.contains("gzip data holding a tar archive")
                && text.contains("vmcore-dmesg.txt")
        }
        #expect(ArchiveFixtures.files(job).isEmpty)
    }

    @Test func nestingBeyondTheCapIsRefused() throws {
        let (work, job) = try Self.workspace()
        defer { ArchiveFixtures.cleanup(work) }
        try ArchiveFixtures.shell(
            "tar cf l0.tar vmcore && for i in 1 2 3 4 5 6 7 8 9; do tar cf l$i.tar l$((i-1)).tar; done", in: work)
        #expect {
            try Self.intake(work + "/l9.tar", into: job)
        } throws: { error in
            (error as? ArchiveError)?.description.contains("nested more than 8 deep") == true
        }
        #expect(ArchiveFixtures.files(job).isEmpty)
    }
}

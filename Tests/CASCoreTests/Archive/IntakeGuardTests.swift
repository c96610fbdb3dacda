import CASCore
import Foundation
import Testing

/// Decompression bombs, truncated uploads and full disks: one clear error, nothing left behind.
@Suite struct IntakeGuardTests {
    static func expectFailure(
        _ file: String, job: String, limits: Intake.Limits = IntakeTests.limits, _ check: (String) -> Bool
    ) {
        #expect {
            try IntakeTests.intake(file, into: job, limits: limits)
        } throws: { error in
            check((error as? ArchiveError)?.description ?? "\(error)")
        }
        #expect(ArchiveFixtures.files(job).isEmpty)
    }

    /// 45 MB of 'A' bzip2 to 50 bytes; 2,387 such streams back to back (100 GiB) bzip2 again to about 240 bytes.
    @Test func bombOf100GiBFromUnder1KiBStopsEarly() throws {
        let (work, job) = try IntakeTests.workspace()
        defer { ArchiveFixtures.cleanup(work) }
        try ArchiveFixtures.run("/usr/bin/python3", ["-c", """
            import bz2
            one = bz2.compress(b"A" * 45_000_000, 9)
            inner = one * ((100 << 30) // 45_000_000 + 1)
            open("bomb.bz2", "wb").write(bz2.compress(inner, 9))
            """], in: work)
        let size = try #require(ArchiveFixtures.fileInfo(work + "/bomb.bz2")).size
        #expect(size < 1024)
        let started = Date()
        Self.expectFailure(work + "/bomb.bz2", job: job) { text in
            text.contains("decompression bomb") && text.contains("maxExpansionRatio")
        }
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test func absoluteUnpackLimitIsEnforced() throws {
        let (work, job) = try IntakeTests.workspace()
        defer { ArchiveFixtures.cleanup(work) }
        try ArchiveFixtures.shell("tar czf case.tar.gz vmcore", in: work)
        var limits = IntakeTests.limits
        limits.maxUnpackSize = 1 << 20
        Self.expectFailure(work + "/case.tar.gz", job: job, limits: limits) { text in
            text.contains("more than 1.0 MiB unpacked (maxUnpackSize")
        }
    }

    struct Truncated: Sendable, CustomStringConvertible {
        let file: String
        let make: String
        var description: String { file }
    }

    static let truncated: [Truncated] = [
        Truncated(file: "vmcore.tar.gz", make: "tar czf full vmcore vmcore-dmesg.txt"),
        Truncated(file: "vmcore.bz2", make: "bzip2 -c vmcore > full"),
        Truncated(file: "vmcore.zip", make: "zip -q full.zip vmcore vmcore-dmesg.txt && mv full.zip full"),
        Truncated(file: "vmcore.tar", make: "tar cf full vmcore vmcore-dmesg.txt"),
        Truncated(file: "vmcore.tar.xz", make: "tar cf - vmcore vmcore-dmesg.txt | xz -0 > full"),
    ]

    @Test(arguments: truncated)
    func truncatedUploadNamesTheLayerAndWhereItBroke(_ item: Truncated) throws {
        let (work, job) = try IntakeTests.workspace()
        defer { ArchiveFixtures.cleanup(work) }
        try ArchiveFixtures.shell(item.make + " && head -c $(( $(stat -c %s full) / 2 )) full > \(item.file)", in: work)
        Self.expectFailure(work + "/" + item.file, job: job) { text in
            text.hasPrefix(item.file) && !text.contains("\n")
                && (text.contains("ends early") || text.contains("runcated") || text.contains("corrupt"))
        }
    }

    @Test func fullFileSystemIsRefusedWithSizes() throws {
        let (work, _) = try IntakeTests.workspace()
        defer { ArchiveFixtures.cleanup(work) }
        let mount = work + "/small"
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: false)
        guard (try? ArchiveFixtures.run("/bin/mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", mount])) != nil else {
            print("skipped: cannot mount a tmpfs here (needs root)")
            return
        }
        defer { _ = try? ArchiveFixtures.run("/bin/umount", [mount]) }
        try FileManager.default.createDirectory(atPath: mount + "/job", withIntermediateDirectories: false)
        try ArchiveFixtures.run("/bin/sh", ["-c", "tar czf \"$2\" -C \"$(dirname \"$1\")\" \"$(basename \"$1\")\"", "sh",
                                            try ArchiveFixtures.dump("vmcore.elf"), work + "/elf.tar.gz"])
        Self.expectFailure(work + "/elf.tar.gz", job: mount + "/job") { text in
            text.hasPrefix("need about 64.3 MiB for vmcore.elf,") && text.hasSuffix("free on \(mount)")
        }
        // Without a declared size (a bare stream) it stops when the disk fills, with the same kind of line.
        try ArchiveFixtures.shell("gzip -c vmcore > vmcore.gz", in: work)
        try ArchiveFixtures.run("/bin/sh", ["-c", "gzip -1 -c \"$1\" > \"$2\"", "sh",
                                            try ArchiveFixtures.dump("vmcore.elf"), work + "/elf.gz"])
        Self.expectFailure(work + "/elf.gz", job: mount + "/job") { text in
            text.contains("free on \(mount)")
        }
    }
}

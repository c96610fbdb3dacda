import CASCore
import CASTestSupport
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

    /// The bomb of ``HostileInputs/bomb``: 100 GiB from under 1 KiB.
    @Test func bombOf100GiBFromUnder1KiBStopsEarly() throws {
        let (work, job) = try IntakeTests.workspace()
        defer { ArchiveFixtures.cleanup(work) }
        let bomb = try HostileInputs.make(HostileInputs.bomb, in: work)
        let size = try #require(ArchiveFixtures.fileInfo(bomb)).size
        #expect(size < 1024)
        let started = Date()
        Self.expectFailure(bomb, job: job) { text in
            // Not a dump: the guard for members beside the dump (16 MiB, 100×) stops it before the whole upload's.
            text.contains("decompression bomb") && text.contains("maxExtraRatio")
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

    @Test(arguments: HostileInputs.truncated)
    func truncatedUploadNamesTheLayerAndWhereItBroke(_ item: HostileInputs.Broken) throws {
        let (work, job) = try IntakeTests.workspace()
        defer { ArchiveFixtures.cleanup(work) }
        let file = try HostileInputs.make(item, in: work)
        Self.expectFailure(file, job: job) { text in
            text.hasPrefix(item.file) && !text.contains("\n") && item.messages.contains { text.contains($0) }
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

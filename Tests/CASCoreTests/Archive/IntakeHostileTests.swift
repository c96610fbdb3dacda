import CASCore
import CASTestSupport
import Foundation
import Testing

/// Hostile, broken and oversized uploads: each fails with its message, writes nothing outside the job
/// directory and leaves nothing inside it (the dump, placed first in each archive, is removed again).
@Suite struct IntakeHostileTests {
    @Test(arguments: HostileInputs.archives)
    func hostileArchiveFailsAndLeavesNothing(_ item: HostileInputs.Archive) throws {
        let (work, job) = try IntakeTests.workspace()
        defer { ArchiveFixtures.cleanup(work) }
        let outside = "/tmp/cas-hostile-\(UUID().uuidString)"
        let file = try HostileInputs.make(item, in: work, outside: outside)
        #expect {
            try IntakeTests.intake(file, into: job)
        } throws: { error in
            let text = (error as? ArchiveError)?.description ?? "\(error)"
            return text.contains(item.message) && text.hasPrefix(item.file)
        }
        #expect(ArchiveFixtures.files(job).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: outside))
        #expect(!FileManager.default.fileExists(atPath: work + "/" + outside.split(separator: "/").last!))
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: job)).isEmpty)
    }

    @Test func harmlessExtrasAreSkippedWithWarningsAndSetuidDropped() throws {
        let (work, job) = try IntakeTests.workspace()
        defer { ArchiveFixtures.cleanup(work) }
        let script = HostileInputs.script(.tar, """
            add(t, 'dir', tarfile.DIRTYPE)
            add(t, 'dir/tool', data=b'#!/bin/sh\\n', mode=0o4755)
            add(t, 'dir/link', tarfile.SYMTYPE, link='tool')
            """)
        try Data(script.utf8).write(to: URL(fileURLWithPath: work + "/make.py"))
        try ArchiveFixtures.run("/usr/bin/python3", ["make.py", "/unused", "evil.tar"], in: work)
        let record = try IntakeTests.intake(work + "/evil.tar", into: job)
        #expect(record.dump == "input/vmcore")
        #expect(ArchiveFixtures.files(job) == ["input/dir/tool", "input/vmcore"])
        let mode = try FileManager.default.attributesOfItem(atPath: job + "/input/dir/tool")[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o7000 } == 0)
        #expect(record.warnings.contains { $0.contains("skipped symlink dir/link") })
    }

    @Test func writingThroughAPlantedSymlinkIsImpossible() throws {
        let (work, job) = try IntakeTests.workspace()
        defer { ArchiveFixtures.cleanup(work) }
        // A symlink already in the job directory where the members go must not be followed: `input/` is
        // made new, never taken over.
        let outside = work + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: job + "/input", withDestinationPath: outside)
        try ArchiveFixtures.shell("mkdir sub && cp vmcore sub/ && tar cf planted.tar sub/vmcore", in: work)
        #expect(throws: ArchiveError.self) { try IntakeTests.intake(work + "/planted.tar", into: job) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
    }
}

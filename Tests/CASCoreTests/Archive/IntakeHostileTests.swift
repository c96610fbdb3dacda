import CASCore
import Foundation
import Testing

/// Hostile, broken and oversized uploads: each fails with its message, writes nothing outside the job
/// directory and leaves nothing inside it (the dump, placed first in each archive, is removed again).
@Suite struct IntakeHostileTests {
    struct Hostile: Sendable, CustomStringConvertible {
        let name: String
        /// Python building `evil.tar`/`evil.zip` in the current directory; `vmcore` is there; OUTSIDE names a
        /// path outside the job directory that must not appear.
        let python: String
        let file: String
        let message: String
        var description: String { name }
    }

    static let prelude = """
        import tarfile, zipfile, io, sys
        OUTSIDE = sys.argv[1]
        def add(t, name, kind=tarfile.REGTYPE, data=b"", link="", mode=0o644):
            i = tarfile.TarInfo(name); i.type = kind; i.size = len(data); i.linkname = link; i.mode = mode
            if kind in (tarfile.CHRTYPE, tarfile.BLKTYPE): i.devmajor, i.devminor = 1, 3
            t.addfile(i, io.BytesIO(data) if data else None)
        t = tarfile.open("evil.tar", "w", format=tarfile.GNU_FORMAT)
        t.add("vmcore")

        """

    static let cases: [Hostile] = [
        Hostile(name: "dot-dot", python: "add(t, '../../' + OUTSIDE.lstrip('/'), data=b'x')", file: "evil.tar",
                message: "'..' component"),
        Hostile(name: "absolute", python: "add(t, OUTSIDE, data=b'x')", file: "evil.tar", message: "absolute path"),
        Hostile(name: "symlink-to-root", python: "add(t, 'link', tarfile.SYMTYPE, link='/')\n"
                + "add(t, 'link' + OUTSIDE, data=b'x')", file: "evil.tar",
                message: "symlink to '/' leaves the job directory"),
        Hostile(name: "symlink-up", python: "add(t, 'a/link', tarfile.SYMTYPE, link='../../..')\n"
                + "add(t, 'a/link/x', data=b'x')", file: "evil.tar", message: "leaves the job directory"),
        Hostile(name: "hardlink-passwd", python: "add(t, 'pw', tarfile.LNKTYPE, link='/etc/passwd')", file: "evil.tar",
                message: "hardlink to '/etc/passwd' leaves the job directory"),
        Hostile(name: "device", python: "add(t, 'null', tarfile.CHRTYPE)", file: "evil.tar", message: "device node"),
        Hostile(name: "fifo", python: "add(t, 'pipe', tarfile.FIFOTYPE)", file: "evil.tar", message: "FIFO"),
        Hostile(name: "zip-dot-dot", python: """
            t.close()
            z = zipfile.ZipFile("evil.zip", "w")
            z.write("vmcore")
            z.writestr(zipfile.ZipInfo("../" + OUTSIDE.split("/")[-1]), b"x")
            z.close()
            t = tarfile.open("unused.tar", "w")
            """, file: "evil.zip", message: "'..' component"),
        Hostile(name: "zip-absolute", python: """
            t.close()
            z = zipfile.ZipFile("evil.zip", "w")
            z.write("vmcore")
            z.writestr(zipfile.ZipInfo(OUTSIDE), b"x")
            z.close()
            t = tarfile.open("unused.tar", "w")
            """, file: "evil.zip", message: "absolute path"),
        Hostile(name: "long-name", python: "add(t, 'x' * 300, data=b'x')", file: "evil.tar",
                message: "longer than 255 bytes"),
        Hostile(name: "control-character", python: "add(t, 'bad\\x01name', data=b'x')", file: "evil.tar",
                message: "control character"),
    ]

    @Test(arguments: cases)
    func hostileArchiveFailsAndLeavesNothing(_ item: Hostile) throws {
        let (work, job) = try IntakeTests.workspace()
        defer { ArchiveFixtures.cleanup(work) }
        let outside = "/tmp/cas-hostile-\(UUID().uuidString)"
        try Data((Self.prelude + item.python + "\nt.close()\n").utf8).write(to: URL(fileURLWithPath: work + "/make.py"))
        try ArchiveFixtures.run("/usr/bin/python3", ["make.py", outside], in: work)
        #expect {
            try IntakeTests.intake(work + "/" + item.file, into: job)
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
        let script = Self.prelude + """
            add(t, 'dir', tarfile.DIRTYPE)
            add(t, 'dir/tool', data=b'#!/bin/sh\\n', mode=0o4755)
            add(t, 'dir/link', tarfile.SYMTYPE, link='tool')
            t.close()
            """
        try Data(script.utf8).write(to: URL(fileURLWithPath: work + "/make.py"))
        try ArchiveFixtures.run("/usr/bin/python3", ["make.py", "/unused"], in: work)
        let record = try IntakeTests.intake(work + "/evil.tar", into: job)
        #expect(record.dump == "vmcore")
        #expect(ArchiveFixtures.files(job) == ["dir/tool", "vmcore"])
        let mode = try FileManager.default.attributesOfItem(atPath: job + "/dir/tool")[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o7000 } == 0)
        #expect(record.warnings.contains { $0.contains("skipped symlink dir/link") })
    }

    @Test func writingThroughAPlantedSymlinkIsImpossible() throws {
        let (work, job) = try IntakeTests.workspace()
        defer { ArchiveFixtures.cleanup(work) }
        // A symlink already in the job directory must not be followed when a member of that name arrives.
        let outside = work + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: job + "/sub", withDestinationPath: outside)
        try ArchiveFixtures.shell("mkdir sub && cp vmcore sub/ && tar cf planted.tar sub/vmcore", in: work)
        #expect(throws: ArchiveError.self) { try IntakeTests.intake(work + "/planted.tar", into: job) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
    }
}

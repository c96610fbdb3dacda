import CASCore
import CASTestSupport
import Foundation
import Testing

/// Every upload of ``HostileInputs`` (unsafe archives, a decompression bomb, truncated archives, files that
/// hold no dump, a dump with a lying header) made in one directory and given to the real `cas`
/// (`make robustness`; set CAS_ROBUSTNESS=1).
@Suite(
    .serialized,
    .enabled(if: Robustness.enabled, "set CAS_ROBUSTNESS=1 (make robustness)"),
    .enabled(if: findExecutable("crash") != nil && findExecutable("rpmbuild") != nil, "needs crash and rpm"))
struct RobustnessHostileTests {
    /// One upload and how `cas` must refuse it.
    struct Expected {
        var file: String
        var messages: [String]
        var step: String
        /// A path the upload aims at outside the job directory.
        var outside: String?
    }

    /// Each upload: exit 65 (bad input), a stderr line naming the file and the problem, the job failed at its
    /// step in the jobs table, nothing of the upload kept in the job directory (an unpacking failure leaves
    /// only the log; an identifying failure also the job record, its copy of the upload given back),
    /// nothing written outside it, and the uploads byte-identical afterwards.
    @Test func everyHostileUploadIsRefusedAndLeavesNothingBehind() throws {
        let fixtures = try JobWorld.fixtures()
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let uploads = base + "/uploads"
        try FileManager.default.createDirectory(atPath: uploads, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixtures + "/vmcore.kdump-zlib", toPath: uploads + "/vmcore")
        try "[    0.000000] Linux version 6.1.192-tiny-pidfix\n".write(
            toFile: uploads + "/vmcore-dmesg.txt", atomically: true, encoding: .utf8)
        let outside = "/tmp/cas-hostile-\(UUID().uuidString)"
        var expected: [Expected] = []
        for archive in HostileInputs.archives {
            try HostileInputs.make(archive, in: uploads, outside: outside + "-" + archive.name)
            expected.append(
                Expected(file: archive.file, messages: [archive.message], step: "intake",
                         outside: outside + "-" + archive.name))
        }
        for item in HostileInputs.broken {
            try HostileInputs.make(item, in: uploads)
            expected.append(Expected(file: item.file, messages: item.messages, step: item.step))
        }
        try TestTools.sh("cd \"$0\" && rm vmcore vmcore-dmesg.txt", uploads)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: uploads)) == Set(expected.map(\.file)))
        let checksums = try TestTools.sh("cd \"$0\" && sha256sum * | sort", uploads)

        for (n, item) in expected.enumerated() {
            let id = "hostile-\(n)"
            let result = try JobWorld.run("cas", ["-i", id, "-f", uploads + "/" + item.file], base: base)
            #expect(result.status == ExitStatus.badInput.rawValue, "\(item.file): \(result.stderr)")
            let named = result.stderr.split(separator: "\n").contains { line in
                line.contains(item.file) && item.messages.contains { line.contains($0) }
            }
            #expect(named, "\(item.file): no line naming it and \(item.messages): \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error"), "\(item.file): \(result.stderr)")
            let row = Robustness.jobs(base, caseId: id).first
            #expect(row?.state == .failed && row?.step == item.step, "\(item.file): \(String(describing: row))")
            let directories = Robustness.jobDirectories(base, id)
            #expect(directories.count == 1, "\(item.file): \(directories)")
            for directory in directories {
                let left = JobWorld.listing(directory)
                if item.step == "intake" {
                    #expect(left == [id + ".log"], "\(item.file) left: \(left)")
                } else {
                    // The job ended before crash ran: its copy of the upload is given back (issue 25).
                    #expect(left == [id + ".log", "job.json"].sorted(), "\(item.file) left: \(left)")
                }
                if let path = item.outside {
                    #expect(!FileManager.default.fileExists(atPath: path), "\(item.file) wrote \(path)")
                    let name = (path as NSString).lastPathComponent
                    #expect(!FileManager.default.fileExists(atPath: base + "/work/" + id + "/" + name))
                    #expect(!FileManager.default.fileExists(atPath: base + "/work/" + name))
                }
            }
        }
        #expect(try TestTools.sh("cd \"$0\" && sha256sum * | sort", uploads) == checksums, "the uploads are unchanged")
        let ids = try FileManager.default.contentsOfDirectory(atPath: base + "/work")
        #expect(Set(ids) == Set(expected.indices.map { "hostile-\($0)" }), "only the jobs' own directories: \(ids)")
        #expect(!JobWorld.listing(base + "/debugs").contains { $0.hasSuffix("vmlinux") }, "nothing extracted")
    }
}

import CASTestSupport
import Foundation
import Testing

@testable import CASCore

/// The debuginfod client over `file://` trees (the same protocol layout, no server) and its build-ID rules.
@Suite("debuginfod client")
struct DebuginfodClientTests {
    @Test("build IDs are hex only, validated before any URL or path is built")
    func buildIds() {
        #expect(DebuginfodClient.validBuildId("08874375E749A8381D73FD31B60F5B1EEAE9AC3B") == DebuginfoFixture.buildId)
        for bad in ["", "0", "abc", "../../etc/passwd", "0887/4375", "zz", "08 87", String(repeating: "ab", count: 65)] {
            #expect(DebuginfodClient.validBuildId(bad) == nil, "\(bad)")
        }
        #expect(
            DebuginfodClient.requestURL(server: "http://h:8002//", buildId: "abcd") == "http://h:8002/buildid/abcd/debuginfo")
        #expect(throws: DebuginfodError.self) {
            try DebuginfodClient(urls: ["file:///nonexistent"]).fetch(buildId: "../x", to: "/tmp/never")
        }
    }

    @Test("a missing file moves on to the next server; the file that has the build ID is kept")
    func fileTreesInOrder() throws {
        let (vmlinux, _) = try DebuginfoFixture.fixtures()
        let dir = try DebuginfoFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = dir + "/good/buildid/" + DebuginfoFixture.buildId
        try FileManager.default.createDirectory(atPath: good, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: good + "/debuginfo", withDestinationPath: vmlinux)
        let client = DebuginfodClient(urls: ["file://" + dir + "/empty", "file://" + dir + "/good/"])
        let fetched = try client.fetch(buildId: DebuginfoFixture.buildId, to: dir + "/vmlinux")
        #expect(fetched.url == "file://\(dir)/good/buildid/\(DebuginfoFixture.buildId)/debuginfo")
        #expect(LooseVmlinux.buildId(path: dir + "/vmlinux") == DebuginfoFixture.buildId)
        #expect(!FileManager.default.fileExists(atPath: dir + "/vmlinux.part"))
    }

    @Test("a file with another build ID is refused and not kept")
    func mismatchRefused() throws {
        let (_, ko) = try DebuginfoFixture.fixtures()
        let dir = try DebuginfoFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bad = dir + "/bad/buildid/" + DebuginfoFixture.buildId
        try FileManager.default.createDirectory(atPath: bad, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ko, toPath: bad + "/debuginfo")
        let client = DebuginfodClient(urls: ["file://" + dir + "/bad"])
        #expect {
            try client.fetch(buildId: DebuginfoFixture.buildId, to: dir + "/vmlinux")
        } throws: { error in
            "\(error)".contains("build ID e4d92a085b73ed593dbab104884cd75e0e4ea543, not \(DebuginfoFixture.buildId): refused")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/vmlinux"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/vmlinux.part"))
    }

    @Test("the build ID is read from a vmlinux streamed once, front to back")
    func streamedBuildId() throws {
        let (vmlinux, ko) = try DebuginfoFixture.fixtures()
        for (path, expected) in [(vmlinux, DebuginfoFixture.buildId), (ko, nil as String?)] {
            let handle = try #require(FileHandle(forReadingAtPath: path))
            var reads = 0
            let id = try ELFFile.streamedBuildId { buffer in
                reads += 1
                let data = handle.readData(ofLength: buffer.count)
                data.copyBytes(to: buffer.bindMemory(to: UInt8.self), count: data.count)
                return data.count
            }
            // The module's note is in a section without a PT_NOTE segment (relocatable): none found.
            #expect(id == expected, "\(path)")
            #expect(reads > 0)
        }
    }
}

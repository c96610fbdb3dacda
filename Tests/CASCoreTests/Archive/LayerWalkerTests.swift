import CASCore
import CASTestSupport
import Foundation
import Testing

/// The walker and the forward-buffered source: layers told by content, members read only as far as asked.
@Suite struct LayerWalkerTests {
    @Test func describesLayersAndStripsCompressionFromBareStreams() throws {
        let (work, _) = try IntakeTests.workspace()
        defer { ArchiveFixtures.cleanup(work) }
        try ArchiveFixtures.shell("tar czf case.tar.gz vmcore-dmesg.txt && gzip -c vmcore | xz -0 > dir.gz.xz", in: work)
        let walker = LayerWalker(path: work + "/case.tar.gz", displayName: "case.tar.gz")
        var paths: [String] = []
        try walker.walk(other: { _ in }) { leaf in
            paths.append(leaf.path)
            return .next
        }
        #expect(walker.summary == "gzip data holding a tar archive")
        #expect(paths == ["vmcore-dmesg.txt"])
        let bare = LayerWalker(path: work + "/dir.gz.xz", displayName: "dir.gz.xz")
        var bareLeaf = ""
        try bare.walk(other: { _ in }) { leaf in
            bareLeaf = leaf.path
            return .stop
        }
        #expect(bareLeaf == "dir")
        #expect(bare.layers == ["xz data", "gzip data"])
    }

    @Test func streamSourceDecompressesOnlyWhatIsRead() throws {
        let work = try TemporaryDirectory.make("cas-archive-test")
        defer { ArchiveFixtures.cleanup(work) }
        let elf = try ArchiveFixtures.dump("vmcore.elf")
        try ArchiveFixtures.run("/bin/sh", ["-c", "tar czf \"$2\" -C \"$(dirname \"$1\")\" vmcore.elf", "sh", elf,
                                            work + "/elf.tar.gz"])
        let walker = LayerWalker(path: work + "/elf.tar.gz")
        let file = try FileByteSource(path: elf)
        var found: StreamByteSource?
        try walker.walk(other: { _ in }) { leaf in
            found = StreamByteSource(stream: leaf.stream, name: leaf.path, size: leaf.declaredSize, limit: 8 << 20)
            return .stop
        }
        // The member's reader chain stays alive with the stream: read after the walk stopped.
        let source = try #require(found)
        #expect(source.size == 67_375_388)
        for (offset, count) in [(0, 64), (64, 4096), (1200, 100), (0, 16), (300_000, 5000)] {
            #expect(try source.read(at: Int64(offset), count: count) == file.read(at: Int64(offset), count: count))
        }
        #expect(source.bytesRead < 4 << 20)
        #expect(throws: ByteSourceError.self) { try source.read(at: 20 << 20, count: 10) }
        #expect(walker.inputBytesRead < 2 << 20)
    }

    @Test func memberNamesAndLinkTargets() {
        #expect((try? MemberName.components("./a//b/./c").get()) == ["a", "b", "c"])
        #expect((try? MemberName.components("a/../../b").get()) == nil)
        #expect((try? MemberName.components("/etc/x").get()) == nil)
        #expect((try? MemberName.components("").get()) == nil)
        #expect(MemberName.linkStaysInside(path: "a/b/link", target: "../c", isHardlink: false))
        #expect(!MemberName.linkStaysInside(path: "a/link", target: "../../c", isHardlink: false))
        #expect(!MemberName.linkStaysInside(path: "link", target: "/", isHardlink: false))
        #expect(MemberName.linkStaysInside(path: "x", target: "a/b", isHardlink: true))
        #expect(!MemberName.linkStaysInside(path: "x", target: "../b", isHardlink: true))
        #expect(MemberName.strippingCompression("dir/vmcore.gz.bz2", layers: 2) == "dir/vmcore")
        #expect(MemberName.strippingCompression("vmcore.tar.gz", layers: 1) == "vmcore")
        #expect(MemberName.strippingCompression("gz", layers: 1) == "gz")
    }
}

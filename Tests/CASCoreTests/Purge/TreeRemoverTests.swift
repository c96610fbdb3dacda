import Foundation
import Testing

@testable import CASCore

@Suite("TreeRemover")
struct TreeRemoverTests {
    @Test func removesATreeAndCountsAllocatedBlocks() throws {
        let f = try PurgeFixture()
        let tree = f.root + "/tree"
        try f.write(tree + "/a/b/c/file", String(repeating: "z", count: 10_000))
        try f.write(tree + "/top", "x")
        #expect(symlink("/etc", tree + "/a/etc-link") == 0)
        #expect(mkfifo(tree + "/a/fifo", 0o600) == 0)
        let parent = try DirectoryFD(path: f.root, followLink: false)
        var st = try #require(parent.lstat("tree"))
        var dry = TreeRemover(dryRun: true)
        let dryGone = dry.removeDirectory("tree", in: parent, st: st)
        #expect(dryGone)
        #expect(f.exists(tree + "/a/b/c/file"))
        var real = TreeRemover(dryRun: false)
        st = try #require(parent.lstat("tree"))
        let realGone = real.removeDirectory("tree", in: parent, st: st)
        #expect(realGone)
        #expect(!f.exists(tree))
        #expect(f.exists("/etc/hostname") || f.exists("/etc/passwd"))
        #expect(real.counter.freed == dry.counter.freed)
        #expect(real.counter.freed >= 12_288)
        #expect(real.failures.isEmpty)
    }

    @Test func refusesADirectoryReplacedBeforeItIsOpened() throws {
        let f = try PurgeFixture()
        try f.write(f.root + "/victim/file", "x")
        try f.write(f.outside + "/target/file", "keep")
        let parent = try DirectoryFD(path: f.root, followLink: false)
        let st = try #require(parent.lstat("victim"))
        // Swap the directory for a symlink to elsewhere between the lstat and the removal.
        #expect(rename(f.root + "/victim", f.root + "/victim.old") == 0)
        #expect(symlink(f.outside + "/target", f.root + "/victim") == 0)
        var remover = TreeRemover(dryRun: false)
        let removerGone = remover.removeDirectory("victim", in: parent, st: st)
        #expect(!removerGone)
        #expect(f.exists(f.outside + "/target/file"))
        #expect(!remover.failures.isEmpty)
    }
}

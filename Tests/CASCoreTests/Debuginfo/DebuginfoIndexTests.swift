import Foundation
import Testing

@testable import CASCore

@Suite("Debuginfo lookup")
struct DebuginfoIndexTests {
    @Test("lookup by build ID, release+arch, banner; a miss names the nearest releases")
    func lookup() async throws {
        try #require(DebuginfoFixture.hasTool("rpmbuild"), "rpmbuild is not installed")
        let base = try DebuginfoFixture.temporaryDirectory()
        let (settings, store) = try DebuginfoFixture.setup(base)
        _ = try DebuginfoFixture.place(try DebuginfoFixture.package("rpm", compression: "zstd"), in: base)
        _ = try DebuginfoFixture.place(try DebuginfoFixture.fixtures().vmlinux, in: base, as: "other/vmlinux-x")
        _ = try await DebuginfoIndexer(options: settings.indexerOptions, store: store).build()
        let index = DebuginfoIndex(store: store)

        let byId = try index.lookup(
            buildId: DebuginfoFixture.buildId.uppercased(), release: nil, arch: nil, banner: nil)
        #expect(byId.quality == .buildId)
        #expect(byId.explanation.contains("chosen from 2 candidates"))

        let byRelease = try index.lookup(buildId: nil, release: DebuginfoFixture.release, arch: "x86_64", banner: nil)
        #expect(byRelease.quality == .releaseArch)
        #expect(byRelease.kernel.release == DebuginfoFixture.release)

        let other = try index.lookup(buildId: "ffff", release: DebuginfoFixture.release, arch: "x86_64", banner: nil)
        #expect(other.quality == .releaseArchOtherBuild)

        let byBanner = try index.lookup(buildId: nil, release: nil, arch: nil, banner: DebuginfoFixture.banner)
        #expect(byBanner.kernel.release == DebuginfoFixture.release)

        #expect(throws: LookupError.self) {
            try index.lookup(buildId: nil, release: DebuginfoFixture.release, arch: "aarch64", banner: nil)
        }
        do {
            _ = try index.lookup(buildId: "abcd", release: "6.1.193-tiny-pidfix", arch: "x86_64", banner: nil)
            Issue.record("expected a miss")
        } catch {
            #expect(error.exitStatus == .noDebuginfo)
            #expect(error.description.contains("release 6.1.193-tiny-pidfix, arch x86_64, build ID abcd"))
            #expect(error.description.contains("nearest releases indexed: 6.1.192-tiny-pidfix"))
        }
        let near = DebuginfoIndex.nearest(
            to: "5.14.0-362.8.1.el9_3.x86_64",
            in: ["4.18.0-1.el8", "5.14.0-362.13.1.el9_3.x86_64", "6.1.0", "5.14.0-70.el9"], count: 2)
        #expect(near == ["5.14.0-362.13.1.el9_3.x86_64", "5.14.0-70.el9"])
    }
}

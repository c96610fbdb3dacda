import Foundation
import Testing

@testable import CASCore

@Suite("Prefetch: which kernels")
struct PrefetcherTests {
    func kernel(_ release: String, _ arch: String?, kind: String = "rpm", mtime: Double = 0, id: Int64 = 0)
        -> IndexedKernel
    {
        IndexedKernel(
            id: id, release: release, arch: arch, buildId: nil, banner: nil, vmlinuxPath: "/v", vmlinuxSize: nil,
            packageId: id, packagePath: "/p/\(release)-\(id)", packageKind: kind, packageName: nil, packageSize: 1,
            packageMtime: mtime, indexedAt: 0)
    }

    @Test func releasesCompareAsVersionsNotText() {
        #expect(Prefetcher.compareReleases("5.14.0-427.el9", "5.14.0-70.el9") == 1)
        #expect(Prefetcher.compareReleases("6.1.10", "6.1.9") == 1)
        #expect(Prefetcher.compareReleases("6.1", "6.1.1") == -1)
        #expect(Prefetcher.compareReleases("6.8.0-31-generic", "6.8.0-31-generic") == 0)
    }

    @Test func theNNewestReleasesOfEachArchitectureNewestPackageFirstLooseFilesLeftOut() {
        let kernels = [
            kernel("5.14.0-70.el9", "x86_64", id: 1),
            kernel("5.14.0-427.el9", "x86_64", mtime: 1, id: 2),
            kernel("5.14.0-427.el9", "x86_64", mtime: 5, id: 3),
            kernel("5.14.0-362.el9", "x86_64", id: 4),
            kernel("6.9.0", "x86_64", kind: "vmlinux", id: 5),
            kernel("5.14.0-70.el9", "aarch64", id: 6),
        ]
        let chosen = Prefetcher.newest(kernels, count: 2).map(\.id)
        #expect(chosen == [6, 3, 4])
        #expect(Prefetcher.newest(kernels, count: 0).isEmpty)
    }
}

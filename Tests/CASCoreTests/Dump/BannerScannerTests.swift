import Testing

@testable import CASCore

@Suite struct BannerScannerTests {
    @Test func releaseAndVersionFromBanner() {
        let banner =
            "Linux version 6.1.192-tiny-pidfix (ci@tiny-vmcore) (gcc (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP Wed Jan  1 00:00:00 UTC 2025"
        #expect(BannerScanner.release(of: banner) == "6.1.192-tiny-pidfix")
        #expect(BannerScanner.version(of: banner) == "#1 SMP Wed Jan  1 00:00:00 UTC 2025")
        #expect(BannerScanner.isComplete(banner))
        #expect(!BannerScanner.isComplete("Linux version %s (%s@%s) (%s) %s"))
        #expect(!BannerScanner.isComplete("Linux version 6.1.0"))
    }

    @Test func findsBannerSplitAcrossChunksAndPrefersComplete() throws {
        var bytes = [UInt8](repeating: 0, count: 3 << 20)
        let placeholder = Array("Linux version 6.1.0 (placeholder)\n".utf8)
        bytes.replaceSubrange(100..<100 + placeholder.count, with: placeholder)
        let banner = Array(DumpBuilders.banner.utf8) + [0]
        let at = 2 << 20 - 30
        bytes.replaceSubrange(at..<at + banner.count, with: banner)
        let reader = DumpReader(source: MemoryByteSource(bytes), name: "scan")
        let found = try BannerScanner.scan(reader, limit: Int64(bytes.count))
        #expect(found.banner == DumpBuilders.banner)
        let early = try BannerScanner.scan(reader, limit: 1 << 20)
        #expect(early.banner == "Linux version 6.1.0 (placeholder)", "only an incomplete banner within the budget")
    }

    @Test func findIsAPlainByteSearch() {
        let hay = Array("aaLinux versioLinux version x".utf8)
        #expect(BannerScanner.find(BannerScanner.bannerMarker, in: hay, from: 0) == 14)
        #expect(BannerScanner.find(BannerScanner.bannerMarker, in: hay, from: 15) == nil)
        #expect(BannerScanner.find([1], in: [], from: 0) == nil)
        #expect(BannerScanner.find([1, 2], in: [1], from: 0) == nil)
    }
}

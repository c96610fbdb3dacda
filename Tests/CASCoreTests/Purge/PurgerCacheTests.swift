import Foundation
import Testing

@testable import CASCore

@Suite("Purger debugs cache")
struct PurgerCacheTests {
    @Test func evictsEntriesUnusedWithinPurgeLimit() throws {
        let f = try PurgeFixture()
        let stale = try f.cacheEntry("5.14.0-1", "aaa", lastUsedDaysAgo: 120, mtimeDaysAgo: 1)
        let fresh = try f.cacheEntry("5.14.0-1", "bbb", lastUsedDaysAgo: 10, mtimeDaysAgo: 400)
        let orphanOld = try f.cacheEntry("6.1.0", "ccc", mtimeDaysAgo: 100)
        let orphanNew = try f.cacheEntry("6.2.0", "ddd", mtimeDaysAgo: 2)
        let held = try f.cacheEntry("6.3.0", "eee", lastUsedDaysAgo: 200)
        let lock = try #require(try DirectoryLock(path: held, exclusive: false, wait: false))
        defer { lock.unlock() }

        let report = try f.purge(dryRun: false)
        #expect(report.complete)
        #expect(report.cachedKernels.map(\.path) == [stale, orphanOld])
        #expect(report.cachedKernels.map(\.ageSource) == [.record, .mtime])
        #expect(!f.exists(stale) && !f.exists(orphanOld))
        #expect(f.exists(fresh + "/vmlinux") && f.exists(orphanNew + "/vmlinux") && f.exists(held + "/vmlinux"))
        #expect(!f.exists(f.debugs + "/6.1.0"))
        #expect(f.exists(f.debugs + "/5.14.0-1"))
        #expect(report.cacheInUse == 1)
        let rows = try f.store.cacheUses().map(\.path).sorted()
        #expect(rows == [fresh, held].sorted())
        #expect(
            report.summary == "purged 0 jobs of 0 IDs and 2 cached kernels, 16.0 KiB freed; kept 1 cached kernel in use"
        )
    }

    @Test func capsTheCacheLeastRecentlyUsedFirstSkippingHeldOnes() throws {
        let f = try PurgeFixture()
        let mib = 1 << 20
        let oldestHeld = try f.cacheEntry("r1", "k1", bytes: mib, lastUsedDaysAgo: 40)
        let second = try f.cacheEntry("r1", "k2", bytes: mib, lastUsedDaysAgo: 30)
        let third = try f.cacheEntry("r2", "k3", bytes: mib, lastUsedDaysAgo: 20)
        let newest = try f.cacheEntry("r3", "k4", bytes: mib, lastUsedDaysAgo: 1)
        let orphan = try f.cacheEntry("r4", "k5", bytes: mib, mtimeDaysAgo: 25)
        f.settings.debugsLimit = Int64(2 * mib + mib / 2)
        let lock = try #require(try DirectoryLock(path: oldestHeld, exclusive: false, wait: false))
        defer { lock.unlock() }

        let dry = try f.purge(dryRun: true)
        let report = try f.purge(dryRun: false)
        // 5 MiB held; 2.5 MiB allowed: evict k2 (30 days), k5 (25, by mtime), k3 (20); k1 is held.
        #expect(Set(report.cachedKernels.map(\.path)) == [second, orphan, third])
        #expect(dry.cachedKernels.map(\.path) == report.cachedKernels.map(\.path))
        #expect(report.cacheInUse == 1)
        #expect(f.exists(oldestHeld + "/vmlinux") && f.exists(newest + "/vmlinux"))
        #expect(report.bytesFreed >= Int64(3 * mib))
        #expect(!f.exists(f.debugs + "/r2") && !f.exists(f.debugs + "/r4"))
    }

    @Test func noLimitNoSizeEviction() throws {
        let f = try PurgeFixture()
        try f.cacheEntry("r1", "k1", bytes: 1 << 20, lastUsedDaysAgo: 1)
        #expect(try f.purge(dryRun: false).removed.isEmpty)
        f.settings.debugsLimit = 4096
        #expect(try f.purge(dryRun: false).cachedKernels.count == 1)
    }
}

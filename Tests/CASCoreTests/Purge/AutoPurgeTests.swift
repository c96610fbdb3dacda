import Foundation
import Testing

@testable import CASCore

@Suite("AutoPurge")
struct AutoPurgeTests {
    @Test func purgesUnderThePolicyAndSaysSoOnlyWhenSomethingWent() throws {
        let f = try PurgeFixture(purgeLimit: 30)
        let old = try f.job("A", PurgeFixture.stamp(daysAgo: 40))
        let young = try f.job("B", PurgeFixture.stamp(daysAgo: 3))
        let lines = AutoPurge.run(policy: f.settings.purgePolicy, store: f.store)
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("autoPurge: purged 1 job of 1 ID, ") == true)
        #expect(!f.exists(old) && f.exists(young))
        // Nothing left to do: nothing to say.
        #expect(AutoPurge.run(policy: f.settings.purgePolicy, store: f.store).isEmpty)
    }

    @Test func aPurgeThatCannotStartIsOneLine() throws {
        let f = try PurgeFixture()
        let running = try f.purger()
        let lines = AutoPurge.run(policy: f.settings.purgePolicy, store: f.store)
        #expect(lines == ["autoPurge: another purge is running on \(f.work); nothing done"])
        _ = running
    }

    @Test func thePolicyNeverRemovesWhatCASNeeds() throws {
        let f = try PurgeFixture()
        var settings = f.settings
        settings.kernels = f.work
        let lines = AutoPurge.run(policy: settings.purgePolicy, store: f.store)
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("autoPurge: refusing to purge: workDirectory") == true)
    }
}

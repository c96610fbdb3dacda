import ArgumentParser
import CASCLI
import CASCore

extension CASAdmin {
    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove jobs older than purgeLimit days, keeping NOPURGE ones (same as -p).")

        @OptionGroup var retention: Retention

        @Flag(help: "List what would be removed and the space freed; change nothing.")
        var dryRun = false

        @Flag(help: "Do not ask for confirmation on a terminal.")
        var yes = false

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await Self.perform(global: global, days: retention.days, dryRun: dryRun, yes: yes)
        }

        static func perform(global: GlobalOptions, days: Int?, dryRun: Bool, yes: Bool) async throws {
            global.bootstrapLogging()
            try await reportingErrors("cas-admin") {
                sweepAbandonedJobs(try global.loadSettings())
                throw NotAvailableYet("purging jobs (cas-admin -p)")
            }
        }
    }
}

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
                _ = try global.loadSettings()
                throw NotAvailableYet("purging jobs (cas-admin -p)")
            }
        }
    }
}

/// `-d/--days N`, shared by `cas-admin -p -d N` and `cas-admin purge -d N`.
///
/// One `ParsableArguments` type for both, like ``GlobalOptions``: ArgumentParser parses the root command's
/// options before the subcommand's, so two separate `-d` options would leave `purge -d 7` with no days.
struct Retention: ParsableArguments {
    @Option(name: [.customShort("d"), .long], help: "Purge jobs older than this many days instead of purgeLimit.")
    var days: Int?

    func validate() throws {
        if let days, days < 0 { throw ValidationError("-d/--days must be 0 or more") }
    }
}

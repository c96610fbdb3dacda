import ArgumentParser

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

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

/// `--full` and `--allow-empty`, shared by `cas-admin -b` and `cas-admin build` (one type, as ``Retention``).
struct IndexOptions: ParsableArguments {
    @Flag(help: "Re-read every package, not only new and changed ones.")
    var full = false

    @Flag(help: "Empty the index when 'kernels' holds no package (refused otherwise: an unmounted share).")
    var allowEmpty = false
}

/// `--dry-run` and `--yes`, shared by `cas-admin -p` and `cas-admin purge` (one type, as ``Retention``).
struct PurgeOptions: ParsableArguments {
    @Flag(help: "List what would be removed and the space freed; change nothing.")
    var dryRun = false

    @Flag(help: "Do not ask for confirmation on a terminal.")
    var yes = false
}

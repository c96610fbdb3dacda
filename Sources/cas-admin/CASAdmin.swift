import ArgumentParser
import CASCLI
import CASCore

@main
struct CASAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cas-admin",
        abstract: "Administer CAS: index debuginfo packages and analysis servers, purge old jobs, check the setup.",
        discussion: """
            The original flag forms and the word forms are the same commands:
              cas-admin -b          cas-admin build      index the debuginfo packages under 'kernels'
              cas-admin -s          cas-admin servers    probe the analysis servers over ssh
              cas-admin -p [-d N]   cas-admin purge      remove jobs older than purgeLimit (or N) days
            Each flag form takes its word form's options: -b --full, --allow-empty, --prefetch N; \
            -p -d N, --dry-run, --yes.
            Also: cas-admin check, cas-admin list kernels|servers|jobs, cas-admin mail, cas-admin extract.

            Configuration: --config PATH, else $CAS_CONFIG, else /etc/cas.conf, else a built-in default \
            under $XDG_DATA_HOME/cas (~/.local/share/cas).

            \(exitStatusHelp)
            """,
        subcommands: [Build.self, Servers.self, Purge.self, Check.self, List.self, Extract.self, Mail.self]
    )

    @Flag(name: [.customShort("b"), .long], help: "Index the debuginfo packages (same as 'build').")
    var build = false

    @Flag(name: [.customShort("s"), .customLong("server")], help: "Probe the analysis servers (same as 'servers').")
    var server = false

    @Flag(name: [.customShort("p"), .long], help: "Purge old jobs (same as 'purge').")
    var purge = false

    @OptionGroup var prefetching: Prefetching

    @OptionGroup var retention: Retention

    // The word forms' own options, so that the flag forms take them too (`-b --full`, `-p --yes`).
    @OptionGroup var index: IndexOptions

    @OptionGroup var purging: PurgeOptions

    @OptionGroup var global: GlobalOptions

    /// Cross-flag checks. `-d` is also an option of `purge`, and ArgumentParser validates this root command
    /// before the subcommand, so "-d without -p" waits for ``run()``, which only the flag forms reach.
    func validate() throws {
        let chosen = [build, server, purge].filter { $0 }.count
        if chosen > 1 { throw ValidationError("choose one of -b, -s and -p") }
    }

    func validateFlagForm() throws {
        if retention.days != nil, !purge { throw ValidationError("-d/--days goes with -p/--purge") }
        if prefetching.prefetch != nil, !build { throw ValidationError("--prefetch goes with -b/--build") }
        if index.full || index.allowEmpty, !build {
            throw ValidationError("\(index.full ? "--full" : "--allow-empty") goes with -b/--build")
        }
        if purging.dryRun || purging.yes, !purge {
            throw ValidationError("\(purging.dryRun ? "--dry-run" : "--yes") goes with -p/--purge")
        }
    }

    func run() async throws {
        try validateFlagForm()
        if build {
            try await Build.perform(
                global: global, full: index.full, allowEmpty: index.allowEmpty, prefetch: prefetching.prefetch)
        } else if server {
            try await Servers.perform(global: global)
        } else if purge {
            try await Purge.perform(
                global: global, days: retention.days, dryRun: purging.dryRun, yes: purging.yes)
        } else {
            throw CleanExit.helpRequest(self)
        }
    }
}

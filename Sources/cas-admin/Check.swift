import ArgumentParser
import CASCLI
import CASCore
import Foundation

extension CASAdmin {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that this installation can work: config, directories, database, crash, mail, user.",
            discussion: """
                One line per check: ok, warning or error. Exits 78 when any check is an error. What the casuser \
                can read and write is computed from owners and modes for its uid and groups, whoever runs the \
                check, and a failing line names the fix (chown -R cas: /srv/cas/debugs). Also: the analysts' \
                group, crash's version against the indexed kernels, a kernels share that is not mounted, and a \
                purge scheduled by both cron and systemd. Creates nothing (the database is opened read-only).
                """)

        @OptionGroup var global: GlobalOptions

        struct Report: Encodable {
            var passed: Bool
            var items: [InstallationCheck.Item]
        }

        func run() async throws {
            global.bootstrapLogging()
            let check: InstallationCheck
            // Check creates nothing: not the built-in default's directories, not the database, no purge.
            switch Result(catching: { () throws(ConfigError) in
                try global.loadSettings(printingWarnings: false, creatingDirectories: false)
            }) {
            case .failure(let error):
                check = .configFailed(error)
            case .success(let settings):
                // As root, the checks run as the casuser (crash --version too); access is computed for the
                // casuser's uid and groups whoever runs them. An unknown casuser is one of the findings.
                _ = try await reportingErrors("cas-admin") {
                    try AdminSession(settings: settings, autoPurge: false, checking: true)
                }
                check = await InstallationCheck.run(settings: settings)
            }
            if global.json {
                try printJSON(Report(passed: check.passed, items: check.items))
            } else {
                for item in check.items {
                    let status = item.status.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
                    let name = item.name.padding(toLength: 14, withPad: " ", startingAt: 0)
                    // Releases in the index come from packages: no control character reaches the terminal.
                    print("\(status) \(name) \(Escaped.text(item.detail))")
                }
            }
            if !check.passed { throw ExitCode(ExitStatus.configuration.rawValue) }
        }
    }
}

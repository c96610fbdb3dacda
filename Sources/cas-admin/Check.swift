import ArgumentParser
import CASCLI
import CASCore
import Foundation

extension CASAdmin {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that this installation can work: config, directories, database, crash, mail, user.",
            discussion: "One line per check: ok, warning or error. Exits non-zero when any check is an error.")

        @OptionGroup var global: GlobalOptions

        struct Report: Encodable {
            var passed: Bool
            var items: [InstallationCheck.Item]
        }

        func run() async throws {
            global.bootstrapLogging()
            let check: InstallationCheck
            switch Result(catching: { () throws(ConfigError) in try global.loadSettings(printingWarnings: false) }) {
            case .failure(let error):
                check = .configFailed(error)
            case .success(let settings):
                // As root, the checks run as the casuser: what matters is what the jobs will be able to do.
                _ = try await reportingErrors("cas-admin") { try AdminSession(settings: settings, autoPurge: true) }
                check = await InstallationCheck.run(settings: settings)
            }
            if global.json {
                try printJSON(Report(passed: check.passed, items: check.items))
            } else {
                for item in check.items {
                    let status = item.status.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
                    let name = item.name.padding(toLength: 14, withPad: " ", startingAt: 0)
                    print("\(status) \(name) \(item.detail)")
                }
            }
            if !check.passed { throw ExitCode(ExitStatus.configuration.rawValue) }
        }
    }
}

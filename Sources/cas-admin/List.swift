import ArgumentParser
import CASCLI
import CASCore

extension CASAdmin {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List what the database holds: kernels, servers or jobs.")

        enum What: String, ExpressibleByArgument, CaseIterable {
            case kernels, servers, jobs
        }

        @Argument(help: "kernels, servers or jobs")
        var what: What

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            global.bootstrapLogging()
            CASAdmin.autoPurge(global)
            try await reportingErrors("cas-admin") {
                _ = try global.loadSettings()
                throw NotAvailableYet("cas-admin list \(what.rawValue)")
            }
        }
    }
}

import ArgumentParser
import CASCLI
import CASCore

extension CASAdmin {
    struct Servers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Probe the analysis servers over ssh and record their architectures (same as -s).")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await Self.perform(global: global)
        }

        static func perform(global: GlobalOptions) async throws {
            global.bootstrapLogging()
            CASAdmin.autoPurge(global)
            try await reportingErrors("cas-admin") {
                _ = try global.loadSettings()
                throw NotAvailableYet("probing analysis servers (cas-admin -s)")
            }
        }
    }
}

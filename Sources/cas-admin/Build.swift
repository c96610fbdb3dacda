import ArgumentParser
import CASCLI
import CASCore

extension CASAdmin {
    struct Build: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Index the kernel debuginfo packages under 'kernels' (same as -b).")

        @Flag(help: "Re-read every package, not only new and changed ones.")
        var full = false

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await Self.perform(global: global, full: full)
        }

        static func perform(global: GlobalOptions, full: Bool) async throws {
            global.bootstrapLogging()
            CASAdmin.autoPurge(global)
            try await reportingErrors("cas-admin") {
                _ = try global.loadSettings()
                throw NotAvailableYet("indexing debuginfo packages (cas-admin -b)")
            }
        }
    }
}

import ArgumentParser
import CASCLI
import CASCore

extension CAS {
    struct Identify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tell which kernel a dump is from, reading only its headers.",
            discussion: """
                Reads ELF cores, kdump-compressed and diskdump files, and makedumpfile's flattened format, \
                directly or through any compression or archive around them, without unpacking the dump.
                """
        )

        @Argument(help: "Dump files or archives holding one.")
        var files: [String]

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            global.bootstrapLogging()
            try await reportingErrors("cas identify") {
                throw NotAvailableYet("cas identify")
            }
        }
    }
}

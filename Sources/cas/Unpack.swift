import ArgumentParser
import CASCLI
import CASCore

extension CAS {
    /// Runs intake alone into an existing directory: for benchmarks and for unpacking an upload by hand.
    struct Unpack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unpack",
            abstract: "Unpack an upload into a directory the way a job's intake does (dump chosen by magic).",
            shouldDisplay: false
        )

        @Argument(help: "The dump or the archive holding it.")
        var file: String

        @Argument(help: "An existing, empty directory to unpack into.")
        var directory: String

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            global.bootstrapLogging(defaultLevel: .warning)
            try await reportingErrors("cas unpack") {
                let settings = try global.loadSettings()
                let record = try IntakeStage(settings: settings).run(file: file, jobDirectory: directory)
                if global.json { try printJSON(record) } else { print(Escaped.text(record.summary)) }
            }
        }
    }
}

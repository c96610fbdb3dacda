import ArgumentParser
import CASCLI
import CASCore
import Foundation

extension CASAdmin {
    struct Extract: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Look up a kernel in the index and extract its debug vmlinux into the debugs cache.",
            discussion: """
                Prints the path of the extracted vmlinux (then of each module asked for) on standard output \
                and how the kernel was chosen (the log line) on standard error. Jobs do this by themselves; use it to fill \
                the cache ahead of time or to check a package.
                """)

        @Option(help: "GNU build ID of the kernel (hex).")
        var buildId: String?

        @Option(help: "Kernel release (uname -r).")
        var release: String?

        @Option(help: "Architecture (x86_64, aarch64, …).")
        var arch: String?

        @Option(help: "The 'Linux version …' banner.")
        var banner: String?

        @Option(name: .customLong("module"), help: "Also extract this module's debug file (repeatable).")
        var modules: [String] = []

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if buildId == nil, release == nil, banner == nil {
                throw ValidationError("give --build-id, --release or --banner")
            }
        }

        func run() async throws {
            global.bootstrapLogging()
            try await reportingErrors("cas-admin") {
                let settings = try global.loadSettings()
                try startAdminSession(settings)
                let store = try Store(path: settings.database)
                let match = try DebuginfoIndex(store: store).lookup(
                    buildId: buildId, release: release, arch: arch, banner: banner)
                let result = try await VmlinuxCache(settings: settings, store: store).vmlinux(
                    for: match, modules: modules)
                FileHandle.standardError.write(Data((result.extracted ? "extracted\n" : "cached\n").utf8))
                print(result.vmlinux.path)
                for (_, url) in result.modules.sorted(by: { $0.key < $1.key }) { print(url.path) }
            }
        }
    }
}

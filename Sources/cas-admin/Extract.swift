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
                the cache ahead of time or to check a package. With --build-id, a kernel the index lacks (or whose \
                package cannot be read) is fetched from the debuginfod servers (debuginfodUrls, DEBUGINFOD_URLS).
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
            if let buildId, DebuginfodClient.validBuildId(buildId) == nil {
                throw ValidationError(
                    "--build-id \(buildId.prefix(140)): not a build ID (an even number of hex digits)")
            }
        }

        func run() async throws {
            try await AdminSession.run(global, autoPurge: false) { session in
                let (settings, store) = (session.settings, try session.store())
                let cache = VmlinuxCache(debugs: settings.debugs, store: store)
                let result: VmlinuxCache.Extracted
                do {
                    let match = try DebuginfoIndex(store: store).lookup(
                        buildId: buildId, release: release, arch: arch, banner: banner)
                    result = try await cache.vmlinux(for: match, modules: modules)
                } catch {
                    // No match in the index, or its package cannot be read: the debuginfod servers by build ID.
                    guard let buildId, !settings.debuginfodUrls.isEmpty, Self.debuginfodMayHelp(error) else {
                        throw error
                    }
                    FileHandle.standardError.write(Data("cas-admin: \(error); asking the debuginfod servers\n".utf8))
                    var client = DebuginfodClient(urls: settings.debuginfodUrls)
                    client.stallTimeout = settings.debuginfodTimeout
                    client.progress = DebuginfodClient.terminalProgress()
                    let fetched = try await cache.fetch(buildId: buildId, release: release, client: client)
                    FileHandle.standardError.write(Data("from \(fetched.url ?? "debuginfod")\n".utf8))
                    result = fetched.extracted
                    if !modules.isEmpty {
                        FileHandle.standardError.write(
                            Data("cas-admin: module debug files are not fetched from debuginfod\n".utf8))
                    }
                }
                FileHandle.standardError.write(Data((result.extracted ? "extracted\n" : "cached\n").utf8))
                print(result.vmlinux.path)
                for (_, url) in result.modules.sorted(by: { $0.key < $1.key }) { print(url.path) }
            }
        }

        /// True for a miss in the index or a package that cannot be read; not for a database or disk failure.
        static func debuginfodMayHelp(_ error: any Error) -> Bool {
            switch error {
            case LookupError.noMatch: true
            case CacheError.extraction, CacheError.missingMembers, CacheError.buildIdMismatch: true
            default: false
            }
        }
    }
}

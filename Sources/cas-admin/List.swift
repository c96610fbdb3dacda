import ArgumentParser
import CASCLI
import CASCore
import Foundation

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
            try await reportingErrors("cas-admin") {
                let settings = try global.loadSettings()
                switch what {
                case .kernels: try listKernels(settings)
                case .servers, .jobs: throw NotAvailableYet("cas-admin list \(what.rawValue)")
                }
            }
        }
    }
}

extension CASAdmin.List {
    /// One kernel as `list kernels --json` prints it.
    struct KernelLine: Encodable {
        var release: String
        var arch: String?
        var buildId: String?
        var package: String?
        var packagePath: String
        var kind: String
        var vmlinuxPath: String
        var banner: String?
    }

    fileprivate func listKernels(_ settings: Settings) throws {
        let kernels = try Store(path: settings.database).indexedKernels()
        let lines = kernels.map {
            KernelLine(
                release: $0.release, arch: $0.arch, buildId: $0.buildId, package: $0.packageName,
                packagePath: $0.packagePath, kind: $0.packageKind, vmlinuxPath: $0.vmlinuxPath, banner: $0.banner)
        }
        if global.json { return try printJSON(lines) }
        let width = max(7, lines.map(\.release.count).max() ?? 0)
        for line in lines {
            let columns = [
                line.release.padding(toLength: width, withPad: " ", startingAt: 0),
                (line.arch ?? "-").padding(toLength: 8, withPad: " ", startingAt: 0),
                (line.buildId ?? "-").padding(toLength: 40, withPad: " ", startingAt: 0),
                line.package ?? "-", line.packagePath,
            ]
            print(columns.joined(separator: "  "))
        }
    }
}

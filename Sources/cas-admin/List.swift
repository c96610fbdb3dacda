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
            try await AdminSession.run(global, autoPurge: true) { session in
                // Reading only: the analysts' group lists with the database's group read permission alone.
                let store = try session.readingStore()
                switch what {
                case .servers: try listServers(store)
                case .jobs: try listJobs(store)
                case .kernels: try listKernels(store)
                }
            }
        }

        func listJobs(_ store: Store?) throws {
            let jobs = try store?.jobs() ?? []
            if global.json { return try printJSON(jobs) }
            print("ID                STATE        KERNEL                          SERVER           STARTED               DIRECTORY")
            for job in jobs {
                let started = ISO8601DateFormatter().string(from: job.startedAt)
                let kernel = [job.release, job.arch].compactMap { $0 }.joined(separator: " ")
                var line = [
                    job.caseId.padding(toLength: 17, withPad: " ", startingAt: 0),
                    job.state.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0),
                    (kernel.isEmpty ? "-" : kernel).padding(toLength: 31, withPad: " ", startingAt: 0),
                    (job.server ?? "-").padding(toLength: 16, withPad: " ", startingAt: 0),
                    started.padding(toLength: 21, withPad: " ", startingAt: 0),
                    job.directory,
                ].joined(separator: " ")
                if job.state == .failed || job.state == .partial { line += "  (\(job.step ?? "?"): \(job.error ?? ""))" }
                // Releases and errors can carry text from a dump: no control character reaches the terminal.
                print(Escaped.text(line))
            }
        }

        func listServers(_ store: Store?) throws {
            let servers = try store?.servers() ?? []
            if global.json { return try printJSON(servers) }
            print("HOST                      ARCH      CRASH     SHARED  STATE        LAST SEEN")
            for server in servers {
                let seen = server.lastSeen.map { ISO8601DateFormatter().string(from: $0) } ?? "never"
                let fields = [
                    ServerRecordName.name(server).padding(toLength: 25, withPad: " ", startingAt: 0),
                    (server.arch ?? "?").padding(toLength: 9, withPad: " ", startingAt: 0),
                    (server.crashVersion ?? "-").padding(toLength: 9, withPad: " ", startingAt: 0),
                    (server.sharedStorage ? "yes" : "no").padding(toLength: 7, withPad: " ", startingAt: 0),
                    (server.available ? "available" : "unavailable").padding(toLength: 12, withPad: " ", startingAt: 0),
                    seen,
                ]
                print(Escaped.text(fields.joined(separator: " ") + (server.lastError.map { "  (\($0))" } ?? "")))
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

    fileprivate func listKernels(_ store: Store?) throws {
        let kernels = try store?.indexedKernels() ?? []
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
            print(Escaped.text(columns.joined(separator: "  ")))
        }
    }
}

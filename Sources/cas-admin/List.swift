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
                case .servers: try listServers(Store(path: settings.database))
                default: throw NotAvailableYet("cas-admin list \(what.rawValue)")
                }
            }
        }
    
        func listServers(_ store: Store) throws {
            let servers = try store.servers()
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
                print(fields.joined(separator: " ") + (server.lastError.map { "  (\($0))" } ?? ""))
            }
        }
    }
}

import ArgumentParser
import CASCLI
import CASCore
import Foundation

extension CASAdmin {
    struct Servers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Probe the analysis servers over ssh and record their architectures (same as -s).",
            discussion: """
                Hosts come from [servers] hosts (host, host:port, [host]:port, comma-separated), or, when that \
                is empty, from the casuser's ~/.ssh/known_hosts (hashed entries cannot be read and are skipped). \
                Each host is asked, over ssh in BatchMode as the casuser, for its architecture (uname -m), its \
                crash version, and whether it sees workDirectory at the same path. A host that fails is \
                reported with ssh's reason and marked unavailable; the others go on. Exit status 0 unless the \
                configuration or database is unusable.
                """)

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await Self.perform(global: global)
        }

        static func perform(global: GlobalOptions) async throws {
            try await AdminSession.run(global, autoPurge: true) { session in
                let (settings, store) = (session.settings, try session.store())
                let list = ServerList.load(
                    configured: settings.serverHosts, knownHostsPath: ServerList.knownHostsPath(for: settings.casUser))
                for skipped in list.skipped {
                    FileHandle.standardError.write(Data("cas-admin: warning: \(skipped)\n".utf8))
                }
                guard !list.servers.isEmpty else {
                    FileHandle.standardError.write(
                        Data("cas-admin: no servers in \(list.source); set [servers] hosts in the configuration\n".utf8))
                    if global.json { try printJSON([ServerProbe.Result]()) }
                    return
                }
                let ssh = SSH(user: settings.casUser, options: settings.sshOptions, connectTimeout: settings.sshConnectTimeout)
                let probe = ServerProbe(ssh: ssh, workDirectory: settings.workDirectory)
                let results = await probe.probe(list.servers)
                let now = Date()
                for result in results { try store.saveServer(result.record(probedAt: now)) }
                if global.json {
                    try printJSON(results)
                } else {
                    for result in results {
                        let state = result.available ? "available" : "unavailable"
                        let facts = [result.arch, result.crashVersion.map { "crash \($0)" }].compactMap { $0 }
                        var line = "\(result.server)  \(state)"
                        if !facts.isEmpty { line += "  " + facts.joined(separator: ", ") }
                        if let problem = result.problem { line += "  (\(problem))" }
                        print(line)
                    }
                    let up = results.filter(\.available).count
                    FileHandle.standardError.write(
                        Data("\(results.count) servers probed: \(up) available, \(results.count - up) unavailable\n".utf8))
                }
            }
        }
    }
}

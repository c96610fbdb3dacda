import Foundation

/// Runs a job's crash on a server of the dump's architecture: the least busy available one first, the
/// next one when a connection fails (ssh exits 255). Job directories are on storage shared at the same path.
public struct RemoteRunner: Sendable {
    public var ssh: SSH
    public var store: Store

    public init(ssh: SSH, store: Store) {
        self.ssh = ssh
        self.store = store
    }

    /// The shell command line run remotely: enter the job directory and run its wrapper in batch mode on
    /// `input`, everything crash prints into `output` (both relative to the job directory).
    public static func crashCommand(
        jobDirectory: String, input: String = JobLayout.crashInput, output: String = JobLayout.crashOutput
    ) -> String {
        "cd \(SSH.quote(jobDirectory)) && ./\(JobLayout.wrapper) -s -i \(SSH.quote(input)) > \(SSH.quote(output)) 2>&1"
    }

    /// Runs `remoteCommand` on a server of `arch`; returns the server's name and how the command ended.
    public func run(arch: String, remoteCommand: String, timeout: Duration, log: (String) -> Void)
        async throws(RemoteError) -> (server: String, result: Command.Result)
    {
        let candidates: [ServerRecord]
        do {
            candidates = try store.availableServers(arch: arch)
        } catch {
            throw .store(error)
        }
        guard !candidates.isEmpty else {
            let known = ((try? store.servers()) ?? []).filter { $0.arch == arch }.map {
                ServerRecordName.name($0) + ($0.available ? "" : " (unavailable: \($0.lastError ?? "not probed"))")
            }
            throw .noServer(arch: arch, known: known)
        }
        var failures: [String] = []
        for record in candidates {
            let address = ServerAddress(host: record.host, port: record.port)
            log("running crash on \(address) (\(arch))")
            let result: Command.Result
            do {
                result = try await ssh.run(address, remoteCommand, timeout: timeout)
            } catch {
                failures.append("\(address): \(error.description)")
                continue
            }
            if result.status == 255 {
                let reason = "\(address): " + result.lastLines(1)
                log("connection to \(address) failed: \(result.lastLines(1)); trying the next server")
                failures.append(reason)
                continue
            }
            return (address.description, result)
        }
        throw .allFailed(arch: arch, failures: failures)
    }
}

/// Why no server could run a job.
public enum RemoteError: CASError {
    case noServer(arch: String, known: [String])
    /// Neither the dump nor the matched package names an architecture, so no server can be chosen.
    case unknownArch
    case allFailed(arch: String, failures: [String])
    case store(StoreError)

    public var description: String {
        switch self {
        case .noServer(let arch, let known):
            RemoteError.isUnknown(arch)
                ? "no analysis server for this dump: its architecture is unknown ('\(Escaped.text(arch))'), so crash "
                    + "cannot run on this \(CrashPlace.hostArchitecture()) host nor be sent to a server; check the dump with 'cas identify'"
                : known.isEmpty
                ? "no analysis server for \(arch) dumps (this host is \(CrashPlace.hostArchitecture())): add a \(arch) "
                    + "host to [servers] hosts in the configuration file and run 'cas-admin -s'"
                : "no available analysis server for \(arch) dumps; known: \(known.joined(separator: ", ")); run 'cas-admin -s' after fixing them"
        case .unknownArch:
            "the dump's architecture is unknown (no header, VMCOREINFO key or memory names one) and the matched "
                + "package names none: cannot choose where to run crash"
        case .allFailed(let arch, let failures):
            "every \(arch) analysis server failed: \(failures.joined(separator: "; "))"
        case .store(let error): error.description
        }
    }

    /// An architecture name that names none ("unknown", "", "unknown(183)").
    static func isUnknown(_ arch: String) -> Bool { arch.isEmpty || arch.lowercased().hasPrefix("unknown") }

    public var exitStatus: ExitStatus {
        if case .store(let error) = self { return error.exitStatus }
        return .noServer
    }
}

import Foundation

/// `cas-admin -s`: asks every server, in parallel, for its architecture, its crash version, and whether
/// it sees the work directory at the same path (a token file written here and read there).
public struct ServerProbe: Sendable {
    /// What one server answered.
    public struct Result: Sendable, Codable, Equatable {
        public var server: ServerAddress
        public var arch: String?
        public var crashVersion: String?
        public var sharedStorage: Bool
        public var available: Bool
        /// Why it is unavailable or degraded: ssh's own words, "crash not installed", …
        public var problem: String?
    }

    public var ssh: SSH
    public var workDirectory: String
    public var timeout: Duration

    public init(ssh: SSH, workDirectory: String, timeout: Duration = .seconds(60)) {
        self.ssh = ssh
        self.workDirectory = workDirectory
        self.timeout = timeout
    }

    /// Probes every server at once; one failing never stops the others.
    public func probe(_ servers: [ServerAddress]) async -> [Result] {
        let token = UUID().uuidString
        let tokenPath = workDirectory + "/.cas-probe-\(getpid())"
        let wrote = FileManager.default.createFile(atPath: tokenPath, contents: Data(token.utf8))
        defer { unlink(tokenPath) }
        return await withTaskGroup(of: (Int, Result).self) { group in
            for (index, server) in servers.enumerated() {
                group.addTask { (index, await probeOne(server, token: wrote ? token : nil, tokenPath: tokenPath)) }
            }
            var results = [Result?](repeating: nil, count: servers.count)
            for await (index, result) in group { results[index] = result }
            return results.compactMap { $0 }
        }
    }

    func probeOne(_ server: ServerAddress, token: String?, tokenPath: String) async -> Result {
        var result = Result(server: server, sharedStorage: false, available: false)
        let script = [
            "echo CAS-ARCH", "uname -m", "echo CAS-CRASH", "crash --version 2>/dev/null | head -n 3",
            "echo CAS-TOKEN", "cat \(SSH.quote(tokenPath)) 2>/dev/null; echo", "echo CAS-END",
        ].joined(separator: "; ")
        let outcome: Command.Result
        do {
            outcome = try await ssh.run(server, script, timeout: timeout)
        } catch {
            result.problem = error.description
            return result
        }
        guard outcome.succeeded, outcome.standardOutput.contains("CAS-END") else {
            let reason = outcome.lastLines(1)
            result.problem = "\(ssh.user)@\(server): " + (reason.isEmpty ? "ssh \(outcome.summary)" : reason)
            return result
        }
        let sections = Self.sections(outcome.standardOutput)
        result.arch = sections["CAS-ARCH"]?.first.map { Self.normaliseArch($0) }
        result.crashVersion = sections["CAS-CRASH"]?.compactMap { line -> String? in
            let words = line.split(separator: " ")
            return words.count >= 2 && words[0] == "crash" ? String(words[1]) : nil
        }.first
        result.sharedStorage = token != nil && sections["CAS-TOKEN"]?.contains(token!) == true
        var problems: [String] = []
        if result.crashVersion == nil { problems.append("crash is not installed (or not on PATH)") }
        if !result.sharedStorage { problems.append("\(workDirectory) is not shared at the same path") }
        result.available = result.arch != nil && result.crashVersion != nil && result.sharedStorage
        result.problem = problems.isEmpty ? nil : problems.joined(separator: "; ")
        return result
    }

    static func sections(_ output: String) -> [String: [String]] {
        var map: [String: [String]] = [:]
        var current = ""
        for line in output.split(whereSeparator: \.isNewline).map(String.init) {
            if line.hasPrefix("CAS-") {
                current = line
                map[current] = []
            } else if !line.isEmpty {
                map[current, default: []].append(line)
            }
        }
        return map
    }

    static func normaliseArch(_ machine: String) -> String {
        switch machine {
        case "i486", "i586", "i686": "i386"
        case "arm64": "aarch64"
        case let m where m.hasPrefix("armv"): "arm"
        default: machine
        }
    }
}

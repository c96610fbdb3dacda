import Foundation

/// Where the analysis servers come from: `[servers] hosts`, else the casuser's `~/.ssh/known_hosts`.
public struct ServerList: Sendable {
    public var servers: [ServerAddress] = []
    /// Entries that could not be used, each with why (hashed known_hosts lines, bad specs).
    public var skipped: [String] = []
    /// Where the list came from, for messages.
    public var source: String

    /// From the configured host specs; when there are none, from `knownHostsPath`.
    public static func load(configured: [String], knownHostsPath: String) -> ServerList {
        if !configured.isEmpty {
            var list = ServerList(source: "[servers] hosts")
            for spec in configured {
                if let address = ServerAddress(parsing: spec) {
                    if !list.servers.contains(address) { list.servers.append(address) }
                } else {
                    list.skipped.append("'\(spec)' in [servers] hosts is not host, host:port or [host]:port")
                }
            }
            return list
        }
        guard let text = try? String(contentsOfFile: knownHostsPath, encoding: .utf8) else {
            var st = stat()
            let why =
                stat(knownHostsPath, &st) != 0 && errno == ENOENT
                ? "no such file" : "not readable by \(FileKind.userName(geteuid()))"
            return ServerList(source: "\(knownHostsPath) (\(why))")
        }
        return parseKnownHosts(text, path: knownHostsPath)
    }

    /// Reads OpenSSH known_hosts text: `host[,host…] keytype key`, `[host]:port`, `@marker` lines; hashed
    /// (`|1|…`) names cannot be read back and are reported as skipped.
    public static func parseKnownHosts(_ text: String, path: String) -> ServerList {
        var list = ServerList(source: path)
        var hashed = 0
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            if first.hasPrefix("@") {
                if first == "@revoked" { continue }
                fields.removeFirst()
            }
            guard fields.count >= 3, let names = fields.first else { continue }
            for name in names.split(separator: ",") {
                if name.hasPrefix("|") {
                    hashed += 1
                    continue
                }
                if name.hasPrefix("!") || name.contains("*") || name.contains("?") { continue }
                guard let address = ServerAddress(parsing: String(name)) else {
                    list.skipped.append("\(path):\(index + 1): '\(name)' is not a host name")
                    continue
                }
                if !list.servers.contains(address) { list.servers.append(address) }
            }
        }
        if hashed > 0 {
            list.skipped.append(
                "\(path): \(hashed) hashed host name\(hashed == 1 ? "" : "s") cannot be read (HashKnownHosts); list servers in [servers] hosts instead"
            )
        }
        return list
    }

    /// `~casuser/.ssh/known_hosts`.
    public static func knownHostsPath(for user: String) -> String {
        if let pw = getpwnam(user), let dir = pw.pointee.pw_dir { return String(cString: dir) + "/.ssh/known_hosts" }
        return NSHomeDirectory() + "/.ssh/known_hosts"
    }
}

/// One analysis server's address: a host name or IP address and an ssh port.
public struct ServerAddress: Sendable, Hashable, Codable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int = 22) {
        self.host = host
        self.port = port
    }

    /// `host`, `host:port`, `[host]:port` or `[v6addr]` / `[v6addr]:port`; nil when not a usable address.
    public init?(parsing text: String) {
        let spec = text.trimmingCharacters(in: .whitespaces)
        var host = spec
        var port = 22
        if spec.hasPrefix("[") {
            guard let close = spec.firstIndex(of: "]") else { return nil }
            host = String(spec[spec.index(after: spec.startIndex)..<close])
            let rest = spec[spec.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let number = Int(rest.dropFirst()) else { return nil }
                port = number
            }
        } else if spec.filter({ $0 == ":" }).count == 1, let colon = spec.firstIndex(of: ":") {
            host = String(spec[..<colon])
            guard let number = Int(spec[spec.index(after: colon)...]) else { return nil }
            port = number
        }
        guard Self.isValidHost(host), (1...65535).contains(port) else { return nil }
        self.host = host
        self.port = port
    }

    /// Host names and addresses only: letters, digits, `.`, `-`, `_`, `:` (IPv6), `%` (zone); never a leading `-`,
    /// so a name can never be read by ssh as an option.
    public static func isValidHost(_ host: String) -> Bool {
        guard !host.isEmpty, host.utf8.count <= 255, !host.hasPrefix("-") else { return false }
        return host.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "-", "_", ":", "%": true
            default: false
            }
        }
    }

    /// `host` or `host:port`, as the mail and job record name it.
    public var description: String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return port == 22 ? shown : "\(shown):\(port)"
    }
}

import Foundation

import Foundation

/// Reads typed values out of an INI file, producing ``ConfigError``s that name file, line, section and key.
struct SettingsReader {
    let ini: INIFile
    let path: String

    /// Every key the configuration understands, by section, spelled as documented.
    static let known: [String: [String]] = [
        "settings": [
            "casuser", "kernels", "rpmFilter", "debFilter", "debugs", "debugLevel", "workDirectory", "smtphost",
            "database", "snippets", "rules", "smtpTLS", "smtpUser", "smtpPasswordFile", "mailFrom", "mailAttachLimit",
            "debuginfodUrls", "analysts",
        ],
        "maintenance": ["purgeLimit", "autoPurge", "debugsLimit", "prefetch", "keepFailedInput"],
        "advanced": [
            "crash", "crash_32", "buffersize", "crashTimeout", "localAnalysis", "sshOptions", "sshConnectTimeout",
            "debuginfodTimeout", "maxUnpackSize", "maxExpansionRatio", "maxExtraSize", "maxExtraRatio", "decompressors",
        ],
        "servers": ["hosts"],
    ]

    /// Where a missing key was probably meant: a misspelt key (`workDirectroy`) in any section, or the key
    /// itself in another section (a misspelt `[setings]`), as "line 4 has 'workDirectroy': did you mean …".
    func nearMiss(_ section: String, _ key: String) -> String? {
        let lower = key.lowercased()
        for other in ini.sections where other.name.lowercased() != section.lowercased() {
            if let entry = other.entry(key) {
                return "line \(entry.line) sets it in [\(other.name)]; it belongs in [\(section)]"
            }
        }
        let known = Set(Self.known.values.flatMap { $0 }.map { $0.lowercased() })
        for candidate in ini.sections {
            for entry in candidate.entries where !known.contains(entry.key.lowercased()) && entry.key.lowercased() != lower {
                if Suggest.nearest(entry.key, in: [key]) != nil {
                    return "line \(entry.line) has '\(entry.key)': did you mean '\(key)'?"
                }
            }
        }
        return nil
    }

    /// Sections whose name is not known but that hold keys of a known section (`[maintainance]` with
    /// `purgeLimit`): their values would be ignored in silence, so this is an error, not a warning.
    func misnamedSection() -> ConfigError? {
        for section in ini.sections where Self.known[section.name.lowercased()] == nil && section.name.lowercased() != "default" {
            for entry in section.entries {
                guard let home = Self.known.first(where: { $0.value.contains { $0.lowercased() == entry.key.lowercased() } })
                else { continue }
                let near = Suggest.nearest(section.name, in: Array(Self.known.keys))
                let hint = near.map { "did you mean [\($0)]?" } ?? "'\(entry.key)' belongs in [\(home.key)]"
                return .unknownSection(path: path, line: section.line, section: section.name, key: entry.key, hint: hint)
            }
        }
        return nil
    }

    func unknownKeyWarnings() -> [String] {
        var warnings: [String] = []
        let allKeys = Self.known.values.flatMap { $0 }
        for section in ini.sections {
            let lower = section.name.lowercased()
            if lower == "default" { continue }
            guard let keys = Self.known[lower] else {
                let hint =
                    Suggest.nearest(section.name, in: Array(Self.known.keys)).map { " (did you mean [\($0)]?)" } ?? ""
                warnings.append("config \(path):\(section.line): unknown section [\(section.name)]\(hint)")
                continue
            }
            for entry in section.entries where !keys.contains(where: { $0.lowercased() == entry.key.lowercased() }) {
                var hint = ""
                if let home = Self.known.first(where: {
                    $0.value.contains { $0.lowercased() == entry.key.lowercased() }
                }) {
                    hint = " (it belongs in [\(home.key)])"
                } else if let near = Suggest.nearest(entry.key, in: keys) {
                    hint = " (did you mean '\(near)'?)"
                } else if let near = Suggest.nearest(entry.key, in: allKeys) {
                    hint = " (did you mean '\(near)'?)"
                }
                warnings.append("config \(path):\(entry.line): unknown key '\(entry.key)' in [\(section.name)]\(hint)")
            }
        }
        return warnings
    }

    /// The value of `key`, nil when absent, empty or `None` (the original sample wrote `buffersize=None`).
    func string(_ section: String, _ key: String) -> String? {
        guard let value = ini.value(section, key), !value.isEmpty, value.lowercased() != "none" else { return nil }
        return value
    }

    /// A one-line value: an indented line after a scalar key is a mistake, not part of a path or number.
    func scalar(_ section: String, _ key: String) throws(ConfigError) -> (value: String, line: Int)? {
        guard let entry = ini.entry(section, key), let value = string(section, key) else { return nil }
        let line = entry.line
        guard !value.contains("\n") else {
            throw .badValue(
                path: path, line: line, section: section, key: key,
                value: value.replacingOccurrences(of: "\n", with: "\\n"),
                expected: "one value on one line (the next line is indented, so it continues this value)")
        }
        return (value, line)
    }

    func text(_ section: String, _ key: String) throws(ConfigError) -> String? {
        try scalar(section, key)?.value
    }

    /// `host`, `host:port` or `[v6-address]:port`, with no spaces and a port from 1 to 65535.
    func hostAndPort(_ section: String, _ key: String) throws(ConfigError) -> String? {
        guard let (value, line) = try scalar(section, key) else { return nil }
        var port: Substring?
        if value.hasPrefix("["), let close = value.firstIndex(of: "]") {
            let rest = value[value.index(after: close)...]
            port = rest.isEmpty ? nil : rest.hasPrefix(":") ? rest.dropFirst() : "bad"
        } else if value.filter({ $0 == ":" }).count == 1, let colon = value.firstIndex(of: ":") {
            port = value[value.index(after: colon)...]
            if colon == value.startIndex { port = "bad" }
        }
        var portOK = true
        if let port { portOK = (UInt16(port) ?? 0) > 0 }
        guard portOK, !value.contains(where: { $0.isWhitespace || $0 == "/" }) else {
            throw .badValue(
                path: path, line: line, section: section, key: key, value: value,
                expected: "a host or host:port, such as mail.example.com or mail.example.com:2525")
        }
        return value
    }

    func path(_ section: String, _ key: String) throws(ConfigError) -> String? {
        guard let (value, line) = try scalar(section, key) else { return nil }
        let expanded = value.hasPrefix("~/") ? NSHomeDirectory() + value.dropFirst() : value
        guard expanded.hasPrefix("/") else {
            throw .badValue(
                path: path, line: line, section: section, key: key, value: value, expected: "an absolute path")
        }
        return expanded.count > 1 && expanded.hasSuffix("/") ? String(expanded.dropLast()) : expanded
    }

    func requiredPath(_ section: String, _ key: String) throws(ConfigError) -> String {
        guard let value = try path(section, key) else {
            throw .missingKey(
                path: path, line: ini.section(section)?.line, section: section, key: key,
                hint: nearMiss(section, key))
        }
        return value
    }

    func regex(_ section: String, _ key: String) throws(ConfigError) -> FindRegex? {
        guard let (value, line) = try scalar(section, key) else { return nil }
        do {
            return try FindRegex(value)
        } catch {
            throw .badValue(
                path: path, line: line, section: section, key: key, value: value,
                expected: "an emacs-style regular expression as find -regex takes (\(error.reason))")
        }
    }

    func boolean(_ section: String, _ key: String) throws(ConfigError) -> Bool? {
        guard let (value, line) = try scalar(section, key) else { return nil }
        switch value.lowercased() {
        case "yes", "true", "on", "1": return true
        case "no", "false", "off", "0": return false
        default:
            throw .badValue(path: path, line: line, section: section, key: key, value: value, expected: "Yes or No")
        }
    }

    func integer(_ section: String, _ key: String, range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let (value, line) = try scalar(section, key) else { return nil }
        guard let number = Int(value), range.contains(number) else {
            throw .badValue(
                path: path, line: line, section: section, key: key, value: value,
                expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    func size(_ section: String, _ key: String) throws(ConfigError) -> Int64? {
        guard let (value, line) = try scalar(section, key) else { return nil }
        guard let bytes = ByteCount.parse(value), bytes > 0 else {
            throw .badValue(
                path: path, line: line, section: section, key: key, value: value,
                expected: "a size such as 4096, 64M, 500G or 2T")
        }
        return bytes
    }

    func choice<T>(_ section: String, _ key: String, _ options: [String: T]) throws(ConfigError) -> T? {
        guard let (value, line) = try scalar(section, key) else { return nil }
        guard let chosen = options[value.uppercased()] else {
            throw .badValue(
                path: path, line: line, section: section, key: key, value: value,
                expected: options.keys.sorted().joined(separator: " or "))
        }
        return chosen
    }

    /// Space-separated http://, https:// or file:// URLs; nil when the key is absent (present but empty: none).
    func urls(_ section: String, _ key: String) throws(ConfigError) -> [String]? {
        guard let entry = ini.entry(section, key) else { return nil }
        let urls = list(section, key, separators: " \t\n")
        for url in urls {
            let lower = url.lowercased()
            guard ["http://", "https://", "file://"].contains(where: { lower.hasPrefix($0) && lower.count > $0.count })
            else {
                throw .badValue(
                    path: path, line: entry.line, section: section, key: key, value: url,
                    expected: "http://, https:// or file:// URLs separated by spaces")
            }
        }
        return urls
    }

    func list(_ section: String, _ key: String, separators: String) -> [String] {
        guard let value = string(section, key) else { return [] }
        return value.split(whereSeparator: { separators.contains($0) })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
}

import Foundation

extension Settings {
    /// Where the configuration comes from, in DESIGN's lookup order.
    public struct Locator: Sendable {
        public var explicitPath: String?
        public var environment: [String: String]
        public var systemPath: String

        public init(
            explicitPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
            systemPath: String = "/etc/cas.conf"
        ) {
            self.explicitPath = explicitPath
            self.environment = environment
            self.systemPath = systemPath
        }

        /// `--config PATH`, then `$CAS_CONFIG`, then `/etc/cas.conf`; nil means the built-in default.
        public func configFile() -> String? {
            if let explicitPath { return explicitPath }
            if let fromEnv = environment["CAS_CONFIG"], !fromEnv.isEmpty { return fromEnv }
            if FileManager.default.fileExists(atPath: systemPath) { return systemPath }
            return nil
        }

        /// `$XDG_DATA_HOME/cas`, else `~/.local/share/cas`.
        public func defaultBase() -> String {
            if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { return xdg + "/cas" }
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            return home + "/.local/share/cas"
        }
    }

    /// Loads the settings in force: the file the locator finds, or the built-in default with its
    /// directories created on first use.
    public static func load(_ locator: Locator) throws(ConfigError) -> Settings {
        guard let path = locator.configFile() else {
            let base = locator.defaultBase()
            var settings = Settings.defaults(base: base, source: "built-in default (\(base))")
            for dir in [base, settings.kernels, settings.debugs, settings.workDirectory] {
                do {
                    try FileManager.default.createDirectory(
                        atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
                } catch {
                    throw .directory(path: dir, reason: (error as NSError).localizedDescription)
                }
            }
            settings.source = "built-in default (\(base))"
            return settings
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "permission denied or not UTF-8 text" : "no such file"
            throw .unreadable(path: path, reason: reason)
        }
        return try parse(text, path: path, base: locator.defaultBase())
    }

    /// Builds settings from INI text; `path` names the file in messages.
    public static func parse(_ text: String, path: String, base: String) throws(ConfigError) -> Settings {
        let ini: INIFile
        do {
            ini = try INIFile(parsing: text)
        } catch {
            throw .syntax(path: path, line: error.line, message: error.message)
        }
        let reader = Reader(ini: ini, path: path)
        var s = Settings.defaults(base: base, source: path)
        s.warnings = reader.unknownKeyWarnings()

        s.casUser = reader.string("settings", "casuser") ?? s.casUser
        s.kernels = try reader.requiredPath("settings", "kernels")
        s.rpmFilter = try reader.regex("settings", "rpmFilter") ?? s.rpmFilter
        s.debFilter = try reader.regex("settings", "debFilter") ?? s.debFilter
        s.debugs = try reader.requiredPath("settings", "debugs")
        s.debugLevel = try reader.choice("settings", "debugLevel", ["DEBUG": .debug, "INFO": .info]) ?? .info
        s.workDirectory = try reader.requiredPath("settings", "workDirectory")
        s.smtpHost = reader.string("settings", "smtphost")
        s.database = try reader.requiredPath("settings", "database")
        s.snippets = try reader.path("settings", "snippets")
        s.rules = try reader.path("settings", "rules")
        s.smtpTLS = try reader.choice("settings", "smtpTLS", ["AUTO": "auto", "ALWAYS": "always", "NEVER": "never"]) ?? "auto"
        s.smtpUser = reader.string("settings", "smtpUser")
        s.smtpPasswordFile = try reader.path("settings", "smtpPasswordFile")
        s.mailFrom = reader.string("settings", "mailFrom")
        s.mailAttachLimit = try reader.size("settings", "mailAttachLimit") ?? s.mailAttachLimit

        s.purgeLimit = try reader.integer("maintenance", "purgeLimit", range: 0...36500) ?? s.purgeLimit
        s.autoPurge = try reader.boolean("maintenance", "autoPurge") ?? false
        s.debugsLimit = try reader.size("maintenance", "debugsLimit")

        s.crash = reader.string("advanced", "crash") ?? s.crash
        s.crash32 = reader.string("advanced", "crash_32")
        s.bufferSize = try reader.size("advanced", "buffersize") ?? s.bufferSize
        s.crashTimeout = try reader.integer("advanced", "crashTimeout", range: 1...(30 * 86400)) ?? s.crashTimeout
        s.localAnalysis = try reader.boolean("advanced", "localAnalysis") ?? true
        s.sshOptions = reader.list("advanced", "sshOptions", separators: " \n\t")
        s.sshConnectTimeout = try reader.integer("advanced", "sshConnectTimeout", range: 1...600) ?? s.sshConnectTimeout
        s.maxUnpackSize = try reader.size("advanced", "maxUnpackSize") ?? s.maxUnpackSize
        s.maxExpansionRatio = try reader.integer("advanced", "maxExpansionRatio", range: 2...1_000_000) ?? s.maxExpansionRatio

        s.serverHosts = reader.list("servers", "hosts", separators: ",\n")
        return s
    }
}

/// Reads typed values out of an INI file, producing ``ConfigError``s that name file, line, section and key.
struct Reader {
    let ini: INIFile
    let path: String

    /// Every key the configuration understands, by section, spelled as documented.
    static let known: [String: [String]] = [
        "settings": [
            "casuser", "kernels", "rpmFilter", "debFilter", "debugs", "debugLevel", "workDirectory", "smtphost",
            "database", "snippets", "rules", "smtpTLS", "smtpUser", "smtpPasswordFile", "mailFrom", "mailAttachLimit",
        ],
        "maintenance": ["purgeLimit", "autoPurge", "debugsLimit"],
        "advanced": [
            "crash", "crash_32", "buffersize", "crashTimeout", "localAnalysis", "sshOptions", "sshConnectTimeout",
            "maxUnpackSize", "maxExpansionRatio",
        ],
        "servers": ["hosts"],
    ]

    func unknownKeyWarnings() -> [String] {
        var warnings: [String] = []
        let allKeys = Self.known.values.flatMap { $0 }
        for section in ini.sections {
            let lower = section.name.lowercased()
            if lower == "default" { continue }
            guard let keys = Self.known[lower] else {
                let hint = Suggest.nearest(section.name, in: Array(Self.known.keys)).map { " (did you mean [\($0)]?)" } ?? ""
                warnings.append("config \(path):\(section.line): unknown section [\(section.name)]\(hint)")
                continue
            }
            for entry in section.entries where !keys.contains(where: { $0.lowercased() == entry.key.lowercased() }) {
                var hint = ""
                if let near = Suggest.nearest(entry.key, in: keys) {
                    hint = " (did you mean '\(near)'?)"
                } else if let home = Self.known.first(where: { $0.value.contains { $0.lowercased() == entry.key.lowercased() } }) {
                    hint = " (it belongs in [\(home.key)])"
                } else if let near = Suggest.nearest(entry.key, in: allKeys) {
                    hint = " (did you mean '\(near)'?)"
                }
                warnings.append("config \(path):\(entry.line): unknown key '\(entry.key)' in [\(section.name)]\(hint)")
            }
        }
        return warnings
    }

    func string(_ section: String, _ key: String) -> String? {
        guard let value = ini.value(section, key), !value.isEmpty, value.lowercased() != "none" else { return nil }
        return value
    }

    func path(_ section: String, _ key: String) throws(ConfigError) -> String? {
        guard let entry = ini.entry(section, key), let value = string(section, key) else { return nil }
        let expanded = value.hasPrefix("~/") ? NSHomeDirectory() + value.dropFirst() : value
        guard expanded.hasPrefix("/") else {
            throw .badValue(path: path, line: entry.line, section: section, key: key, value: value, expected: "an absolute path")
        }
        return expanded.count > 1 && expanded.hasSuffix("/") ? String(expanded.dropLast()) : expanded
    }

    func requiredPath(_ section: String, _ key: String) throws(ConfigError) -> String {
        guard let value = try path(section, key) else {
            throw .missingKey(path: path, line: ini.section(section)?.line, section: section, key: key)
        }
        return value
    }

    func regex(_ section: String, _ key: String) throws(ConfigError) -> FindRegex? {
        guard let entry = ini.entry(section, key), let value = string(section, key) else { return nil }
        do {
            return try FindRegex(value)
        } catch {
            throw .badValue(
                path: path, line: entry.line, section: section, key: key, value: value,
                expected: "a valid regular expression (emacs syntax, as find -regex takes)")
        }
    }

    func boolean(_ section: String, _ key: String) throws(ConfigError) -> Bool? {
        guard let entry = ini.entry(section, key), let value = string(section, key) else { return nil }
        switch value.lowercased() {
        case "yes", "true", "on", "1": return true
        case "no", "false", "off", "0": return false
        default:
            throw .badValue(path: path, line: entry.line, section: section, key: key, value: value, expected: "Yes or No")
        }
    }

    func integer(_ section: String, _ key: String, range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let entry = ini.entry(section, key), let value = string(section, key) else { return nil }
        guard let number = Int(value), range.contains(number) else {
            throw .badValue(
                path: path, line: entry.line, section: section, key: key, value: value,
                expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    func size(_ section: String, _ key: String) throws(ConfigError) -> Int64? {
        guard let entry = ini.entry(section, key), let value = string(section, key) else { return nil }
        guard let bytes = ByteCount.parse(value), bytes > 0 else {
            throw .badValue(
                path: path, line: entry.line, section: section, key: key, value: value,
                expected: "a size such as 4096, 64M, 500G or 2T")
        }
        return bytes
    }

    func choice<T>(_ section: String, _ key: String, _ options: [String: T]) throws(ConfigError) -> T? {
        guard let entry = ini.entry(section, key), let value = string(section, key) else { return nil }
        guard let chosen = options[value.uppercased()] else {
            throw .badValue(
                path: path, line: entry.line, section: section, key: key, value: value,
                expected: options.keys.sorted().joined(separator: " or "))
        }
        return chosen
    }

    func list(_ section: String, _ key: String, separators: String) -> [String] {
        guard let value = string(section, key) else { return [] }
        return value.split(whereSeparator: { separators.contains($0) })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
}

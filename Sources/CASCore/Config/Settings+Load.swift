import Foundation

extension Settings {
    /// Where the configuration comes from, in DESIGN's lookup order.
    public struct Locator: Sendable {
        public var explicitPath: String?
        public var environment: [String: String]
        public var systemPath: String

        public init(
            explicitPath: String?, environment: [String: String] = Locator.processEnvironment(),
            systemPath: String = "/etc/cas.conf"
        ) {
            self.explicitPath = explicitPath
            self.environment = environment
            self.systemPath = systemPath
        }

        /// The variables the lookup reads, from this process's environment (read one by one: building
        /// `ProcessInfo`'s whole dictionary costs more than `cas identify` reading a dump's headers).
        public static func processEnvironment() -> [String: String] {
            var found: [String: String] = [:]
            for name in ["CAS_CONFIG", "XDG_DATA_HOME", "HOME", "DEBUGINFOD_URLS"] {
                if let value = getenv(name) { found[name] = String(cString: value) }
            }
            return found
        }

        /// `--config PATH`, then `$CAS_CONFIG`, then `/etc/cas.conf`; nil means the built-in default.
        public func configFile() -> String? {
            if let explicitPath { return explicitPath }
            if let fromEnv = environment["CAS_CONFIG"], !fromEnv.isEmpty { return fromEnv }
            var status = stat()
            if stat(systemPath, &status) == 0 { return systemPath }
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
    /// directories created on first use (unless `creatingDirectories` is false: commands that write
    /// nothing, like `cas identify`).
    public static func load(_ locator: Locator, creatingDirectories: Bool = true) throws(ConfigError) -> Settings {
        guard let path = locator.configFile() else {
            let base = locator.defaultBase()
            var settings = Settings.defaults(base: base, source: "built-in default (\(base))")
            settings.applyDebuginfodEnvironment(locator.environment)
            for dir in [base, settings.kernels, settings.debugs, settings.workDirectory] where creatingDirectories {
                do {
                    try FileManager.default.createDirectory(
                        atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
                } catch {
                    throw .directory(path: dir, reason: (error as NSError).localizedDescription)
                }
            }
            return settings
        }
        // As root, a configuration names the programs root runs (crash, snippets): only root's own is read.
        if geteuid() == 0, FileManager.default.fileExists(atPath: path), let problem = TrustedPath.problem(path) {
            throw .untrusted(path: path, what: "config", reason: problem)
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: unreadableReason(path))
        }
        var settings = try parse(text, path: path, base: locator.defaultBase())
        settings.applyDebuginfodEnvironment(locator.environment)
        return settings
    }

    /// `$DEBUGINFOD_URLS` (space-separated, as elfutils reads it) when the file does not set `debuginfodUrls`;
    /// entries that are not http://, https:// or file:// URLs are ignored (with a warning).
    mutating func applyDebuginfodEnvironment(_ environment: [String: String]) {
        guard debuginfodUrlsSource == nil, let value = environment["DEBUGINFOD_URLS"] else { return }
        for url in value.split(whereSeparator: \.isWhitespace).map(String.init) {
            let lower = url.lowercased()
            if ["http://", "https://", "file://"].contains(where: { lower.hasPrefix($0) }) {
                debuginfodUrls.append(url)
            } else {
                warnings.append("DEBUGINFOD_URLS: ignored '\(url)' (not an http://, https:// or file:// URL)")
            }
        }
        if !debuginfodUrls.isEmpty { debuginfodUrlsSource = "DEBUGINFOD_URLS" }
    }

    /// Why `path` could not be read as text, in the words a user acts on.
    static func unreadableReason(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "no such file" }
        if isDirectory.boolValue { return "it is a directory" }
        guard access(path, R_OK) == 0 else { return "permission denied" }
        return "not UTF-8 text"
    }

    /// Builds settings from INI text; `path` names the file in messages.
    public static func parse(_ text: String, path: String, base: String) throws(ConfigError) -> Settings {
        let ini: INIFile
        do {
            ini = try INIFile(parsing: text)
        } catch {
            throw .syntax(path: path, line: error.line, message: error.message)
        }
        let reader = SettingsReader(ini: ini, path: path)
        var s = Settings.defaults(base: base, source: path)
        s.warnings = reader.unknownKeyWarnings()
        if let misnamed = reader.misnamedSection() { throw misnamed }

        s.configuredCasUser = try reader.text("settings", "casuser")
        s.analysts = try reader.text("settings", "analysts")
        s.kernels = try reader.requiredPath("settings", "kernels")
        s.rpmFilter = try reader.regex("settings", "rpmFilter") ?? s.rpmFilter
        s.debFilter = try reader.regex("settings", "debFilter") ?? s.debFilter
        s.debugs = try reader.requiredPath("settings", "debugs")
        s.debugLevel = try reader.choice("settings", "debugLevel", ["DEBUG": .debug, "INFO": .info]) ?? .info
        s.workDirectory = try reader.requiredPath("settings", "workDirectory")
        s.smtpHost = try reader.hostAndPort("settings", "smtphost")
        s.database = try reader.requiredPath("settings", "database")
        s.snippets = try reader.path("settings", "snippets")
        s.rules = try reader.path("settings", "rules")
        s.smtpTLS =
            try reader.choice("settings", "smtpTLS", ["AUTO": "auto", "ALWAYS": "always", "NEVER": "never"]) ?? "auto"
        s.smtpUser = try reader.text("settings", "smtpUser")
        s.smtpPasswordFile = try reader.path("settings", "smtpPasswordFile")
        s.mailFrom = try reader.text("settings", "mailFrom")
        s.mailAttachLimit = try reader.size("settings", "mailAttachLimit") ?? s.mailAttachLimit
        if let urls = try reader.urls("settings", "debuginfodUrls") {
            (s.debuginfodUrls, s.debuginfodUrlsSource) = (urls, "[settings] debuginfodUrls")
        }

        s.purgeLimit = try reader.integer("maintenance", "purgeLimit", range: 0...36500) ?? s.purgeLimit
        s.autoPurge = try reader.boolean("maintenance", "autoPurge") ?? false
        s.debugsLimit = try reader.size("maintenance", "debugsLimit")
        s.prefetch = try reader.integer("maintenance", "prefetch", range: 0...1000) ?? 0
        s.keepFailedInput = try reader.boolean("maintenance", "keepFailedInput") ?? false

        s.crash = try reader.text("advanced", "crash") ?? s.crash
        s.crash32 = try reader.text("advanced", "crash_32")
        s.bufferSize = try reader.size("advanced", "buffersize") ?? s.bufferSize
        s.crashTimeout = try reader.integer("advanced", "crashTimeout", range: 1...(30 * 86400)) ?? s.crashTimeout
        s.localAnalysis = try reader.boolean("advanced", "localAnalysis") ?? true
        s.sshOptions = reader.list("advanced", "sshOptions", separators: " \n\t")
        s.sshConnectTimeout = try reader.integer("advanced", "sshConnectTimeout", range: 1...600) ?? s.sshConnectTimeout
        s.debuginfodTimeout =
            try reader.integer("advanced", "debuginfodTimeout", range: 1...3600) ?? s.debuginfodTimeout
        s.maxUnpackSize = try reader.size("advanced", "maxUnpackSize") ?? s.maxUnpackSize
        s.maxExpansionRatio =
            try reader.integer("advanced", "maxExpansionRatio", range: 2...1_000_000) ?? s.maxExpansionRatio
        s.maxExtraSize = try reader.size("advanced", "maxExtraSize") ?? s.maxExtraSize
        s.maxExtraRatio = try reader.integer("advanced", "maxExtraRatio", range: 2...1_000_000) ?? s.maxExtraRatio
        s.decompressors = try reader.choice(
            "advanced", "decompressors", Dictionary(uniqueKeysWithValues: Decompressors.allCases.map { ($0.rawValue.uppercased(), $0) }))
            ?? s.decompressors

        s.serverHosts = reader.list("servers", "hosts", separators: ",\n")
        return s
    }
}

import Foundation

/// `cas-admin check`: is this installation able to work? One finding per concern, ok, warning or error.
public struct InstallationCheck: Sendable {
    /// One line of the report.
    public struct Item: Sendable, Codable, Equatable {
        public enum Status: String, Sendable, Codable { case ok, warning, error }
        public var name: String
        public var status: Status
        public var detail: String
    }

    public var items: [Item] = []

    /// The report when no settings could be loaded: the configuration error alone.
    public static func configFailed(_ error: ConfigError) -> InstallationCheck {
        InstallationCheck(items: [Item(name: "config", status: .error, detail: error.description)])
    }

    /// True when nothing is an error.
    public var passed: Bool { !items.contains { $0.status == .error } }

    /// Checks `settings` (or records why none could be loaded).
    public static func run(settings: Settings) async -> InstallationCheck {
        var check = InstallationCheck()
        check.items.append(Item(name: "config", status: .ok, detail: settings.source))
        for warning in settings.warnings {
            check.items.append(Item(name: "config", status: .warning, detail: warning))
        }
        check.items.append(directory("kernels", settings.kernels, needsWrite: false))
        check.items.append(directory("debugs", settings.debugs, needsWrite: true))
        check.items.append(directory("workDirectory", settings.workDirectory, needsWrite: true))
        if let snippets = settings.snippets { check.items.append(directory("snippets", snippets, needsWrite: false)) }
        if let rules = settings.rules { check.items.append(directory("rules", rules, needsWrite: false)) }
        check.items.append(database(settings.database))
        check.items.append(await crash("crash", settings.crash))
        if let crash32 = settings.crash32 { check.items.append(await crash("crash_32", crash32)) }
        if let host = settings.smtpHost {
            check.items.append(Item(name: "smtphost", status: .ok, detail: host))
        } else {
            check.items.append(Item(name: "smtphost", status: .warning, detail: "not set: results cannot be mailed (-e)"))
        }
        check.items.append(debuginfod(settings))
        switch ArchiveReader.library() {
        case .success(let version): check.items.append(Item(name: "libarchive", status: .ok, detail: version))
        case .failure(let error):
            check.items.append(Item(name: "libarchive", status: .error, detail: error.description))
        }
        check.items.append(Item(
            name: "decompressors", status: .ok,
            detail: "\(settings.decompressors.rawValue): \(settings.decompressors.summary)"))
        check.items.append(casUser(settings.casUser))
        return check
    }

    /// The debuginfod servers and where they come from (not contacted: check makes no network access).
    static func debuginfod(_ settings: Settings) -> Item {
        guard let source = settings.debuginfodUrlsSource, !settings.debuginfodUrls.isEmpty else {
            return Item(
                name: "debuginfodUrls", status: .ok,
                detail: "not set: kernels come only from the index (set debuginfodUrls or DEBUGINFOD_URLS)")
        }
        let detail = settings.debuginfodUrls.joined(separator: " ") + " (from \(source))"
        if let problem = Curl.unavailableReason {
            return Item(name: "debuginfodUrls", status: .error, detail: detail + ": " + problem)
        }
        return Item(name: "debuginfodUrls", status: .ok, detail: detail)
    }

    static func directory(_ name: String, _ path: String, needsWrite: Bool) -> Item {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            return Item(name: name, status: .error, detail: "\(path): does not exist")
        }
        guard isDir.boolValue else { return Item(name: name, status: .error, detail: "\(path): not a directory") }
        if needsWrite, access(path, W_OK | X_OK) != 0 {
            return Item(name: name, status: .error, detail: "\(path): not writable by \(Settings.currentUserName())")
        }
        if !needsWrite, access(path, R_OK | X_OK) != 0 {
            return Item(name: name, status: .error, detail: "\(path): not readable by \(Settings.currentUserName())")
        }
        if let open = writableByOthers(path) {
            return Item(name: name, status: .warning, detail: "\(path): \(open)")
        }
        guard let free = FileSystem.freeBytes(path) else { return Item(name: name, status: .ok, detail: path) }
        return Item(name: name, status: .ok, detail: "\(path) (\(ByteCount.format(free)) free)")
    }

    /// Why a directory CAS keeps state in is open to other users, nil when it is not: anyone who can write
    /// `workDirectory` could plant or swap an `<ID>` directory, `debugs` a vmlinux, `kernels` a package.
    /// A sticky directory is allowed (nobody else can rename or remove the casuser's entries).
    static func writableByOthers(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & 0o002 != 0, st.st_mode & S_ISVTX == 0 else { return nil }
        return "writable by others (mode \(String(st.st_mode & 0o7777, radix: 8))): anyone can plant files there; "
            + "chmod o-w \(path)"
    }

    static func database(_ path: String) -> Item {
        do {
            let store = try Store(path: path, busyTimeout: 5)
            let version = try store.schemaVersion()
            return Item(name: "database", status: .ok, detail: "\(path) (schema version \(version))")
        } catch {
            return Item(name: "database", status: .error, detail: error.description)
        }
    }

    static func crash(_ name: String, _ program: String) async -> Item {
        guard let path = findExecutable(program) else {
            return Item(
                name: name, status: .error,
                detail: "'\(program)' not found or not executable (install the crash package or set [advanced] \(name))")
        }
        guard let version = await crashVersion(path) else {
            return Item(name: name, status: .warning, detail: "\(path): did not report a version with --version")
        }
        return Item(name: name, status: .ok, detail: "\(path) (crash \(version))")
    }

    /// The version `crash --version` reports ("8.0.2"), nil when it does not say.
    public static func crashVersion(_ path: String) async -> String? {
        guard let result = try? await Command(path, ["--version"], timeout: .seconds(30)).run() else { return nil }
        for line in result.standardOutput.split(whereSeparator: \.isNewline) {
            let words = line.split(separator: " ")
            if words.count >= 2, words[0] == "crash" { return String(words[1]) }
        }
        return nil
    }

    static func casUser(_ user: String) -> Item {
        guard getpwnam(user) != nil else {
            return Item(name: "casuser", status: .error, detail: "user '\(user)' does not exist on this host")
        }
        let current = Settings.currentUserName()
        if current == user { return Item(name: "casuser", status: .ok, detail: "\(user) (running as it)") }
        return Item(name: "casuser", status: .warning, detail: "\(user) exists, but this runs as \(current)")
    }
}

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

    /// Checks `settings` (or records why none could be loaded) for the casuser: what it can read and write
    /// is computed from owners and modes for its uid and groups (``UserAccess``), whoever runs the check.
    /// Creates nothing: the database is opened read-only, directories are only examined.
    /// `system` is where the host's files are read (`/etc/fstab`, `/proc/self/mountinfo`, cron, systemd).
    public static func run(settings: Settings, system: SystemFiles = SystemFiles()) async -> InstallationCheck {
        var check = InstallationCheck()
        check.items.append(Item(name: "config", status: .ok, detail: settings.source))
        for warning in settings.warnings {
            check.items.append(Item(name: "config", status: .warning, detail: warning))
        }
        let team = Team(settings: settings)
        check.items.append(casUser(settings.casUser, team: team))
        check.items.append(analysts(settings, team: team))
        let createdOnUse = settings.source.hasPrefix("built-in default")
        check.items.append(
            directory("kernels", settings.kernels, needs: [.read, .search], team: team, createdOnUse: createdOnUse))
        if let unmounted = unmountedMountPoint(settings.kernels, system: system) {
            check.items.append(Item(name: "kernels", status: .error, detail: unmounted))
        }
        check.items.append(
            directory("debugs", settings.debugs, needs: [.write, .search], team: team, createdOnUse: createdOnUse))
        check.items.append(
            directory(
                "workDirectory", settings.workDirectory, needs: [.write, .search], team: team,
                createdOnUse: createdOnUse))
        if let snippets = settings.snippets {
            check.items.append(directory("snippets", snippets, needs: [.read, .search], team: team))
        }
        if let rules = settings.rules {
            check.items.append(directory("rules", rules, needs: [.read, .search], team: team))
        }
        let (databaseItems, kernels) = database(settings.database, team: team, createdOnUse: createdOnUse)
        check.items += databaseItems
        let (crashItem, version) = await crash("crash", settings.crash)
        check.items.append(crashItem)
        if let version { check.items += crashAgainstKernels(version, kernels) }
        if let crash32 = settings.crash32 { check.items.append(await crash("crash_32", crash32).0) }
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
        if let twice = purgeScheduledTwice(system: system) {
            check.items.append(Item(name: "purge", status: .warning, detail: twice))
        }
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

    /// Why a directory CAS keeps state in is open to other users, nil when it is not: anyone who can write
    /// `workDirectory` could plant or swap an `<ID>` directory, `debugs` a vmlinux, `kernels` a package.
    /// A sticky directory is allowed (nobody else can rename or remove the casuser's entries).
    static func writableByOthers(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & 0o002 != 0, st.st_mode & S_ISVTX == 0 else { return nil }
        return "writable by others (mode \(String(st.st_mode & 0o7777, radix: 8))): anyone can plant files there; "
            + "chmod o-w \(path)"
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
}

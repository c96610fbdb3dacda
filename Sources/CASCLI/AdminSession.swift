import CASCore
import Foundation
import Logging

/// One `cas-admin` run. Every command goes through the same steps, in this order, before its own work:
/// 1. logging at the command's level (`--verbose`: debug);
/// 2. the settings, loaded once (their warnings on standard error);
/// 3. the umask restricted (``restrictUmask()``);
/// 4. from root, the switch to the casuser, and the check of what a remaining root would run (``RootTrust``);
/// 5. jobs whose process died recorded as abandoned (``sweepAbandonedJobs()``);
/// 6. with `autoPurge = Yes`, a purge (``purgeAutomatically()``), for the commands that take it.
/// The database is opened once (``store()``), as the casuser, and shared by these steps and the command.
public final class AdminSession {
    /// The settings in force.
    public let settings: Settings
    private var opened: Store?

    /// Runs `body` in a new session (steps 1 to 6); a ``CASError`` from the steps or the body becomes one line
    /// on standard error and its exit status (``reportingErrors(_:_:)``).
    public static func run<T>(
        _ global: GlobalOptions, logLevel: Logger.Level = .info, autoPurge: Bool,
        _ body: (AdminSession) async throws -> T
    ) async throws -> T {
        global.bootstrapLogging(defaultLevel: logLevel)
        return try await reportingErrors("cas-admin") {
            let session = try AdminSession(settings: try global.loadSettings(), autoPurge: autoPurge)
            return try await body(session)
        }
    }

    /// Steps 3 to 6 for settings already loaded (`cas-admin check` loads them itself, to report a bad file).
    /// `checking`: an unknown casuser is left for the check to report (root stays root, under RootTrust).
    public init(settings: Settings, autoPurge: Bool, checking: Bool = false) throws {
        self.settings = settings
        Self.restrictUmask()
        if checking, getpwnam(settings.casUser) == nil {
            if geteuid() == 0 { try RootTrust.check(settings: settings, snippetsDirectory: settings.snippets) }
        } else {
            try Self.becomeCasuser(settings)
        }
        sweepAbandonedJobs()
        // Only the casuser (or root) purges: an analyst listing jobs has no right to remove them.
        if autoPurge, settings.autoPurge, geteuid() == 0 || Settings.currentUserName() == settings.casUser {
            purgeAutomatically()
        }
    }

    /// The database, opened on first use and kept for the rest of the session.
    public func store() throws(StoreError) -> Store {
        if let opened { return opened }
        let store = try Store(path: settings.database)
        opened = store
        return store
    }

    /// The database opened for reading only (creating and migrating nothing), nil when it does not exist yet:
    /// what an analyst in the analysts' group can open with the file's group read permission alone.
    public func readingStore() throws(StoreError) -> Store? {
        var st = stat()
        if stat(settings.database, &st) != 0, errno == ENOENT { return nil }
        return try Store(readingOnly: settings.database)
    }

    /// Step 3: adds `022` to the umask, so nothing an admin command creates without an explicit mode (the
    /// database, cache entries, directories) is group- or world-writable.
    static func restrictUmask() {
        Privileges.restrictUmask()
    }

    /// Step 4: from root, becomes the casuser before the database, the cache, the work directory or ssh are
    /// touched; when root remains (casuser is root), warns and checks what it would run.
    static func becomeCasuser(_ settings: Settings) throws {
        try Privileges.dropRoot(to: settings.casUser)
        if geteuid() == 0 {
            FileHandle.standardError.write(Data("cas-admin: warning: \(RootTrust.rootCasuserWarning)\n".utf8))
            try RootTrust.check(settings: settings, snippetsDirectory: settings.snippets)
        }
    }

    /// Step 5: records jobs whose process died (``AbandonedJobs``), one warning line each. Best effort: a
    /// missing database is left uncreated, and a store error is left for the command itself to report.
    func sweepAbandonedJobs() {
        guard FileManager.default.fileExists(atPath: settings.database),
            let store = try? store(),
            let swept = try? AbandonedJobs.sweep(store: store)
        else { return }
        for job in swept {
            FileHandle.standardError.write(
                Data("warning: job \(job.directory) abandoned (its process died while \(job.step.rawValue))\n".utf8))
        }
    }

    /// Step 6: the purge `autoPurge = Yes` asks for (``AutoPurge``); its lines on standard error. Never stops
    /// the command.
    func purgeAutomatically() {
        let lines: [String]
        do {
            lines = AutoPurge.run(policy: settings.purgePolicy, store: try store())
        } catch {
            lines = ["autoPurge: \(error.description)"]
        }
        for line in lines { FileHandle.standardError.write(Data("cas-admin: \(line)\n".utf8)) }
    }
}

import Foundation

/// What a process started as root checks before it runs anything the configuration names (DESIGN: root
/// trusts only root's files): `crash`, `crash_32` and the executable snippets must be root's alone, like
/// the configuration itself (``TrustedPath``).
public enum RootTrust {
    /// Throws for the first program root would run that someone else could have changed.
    /// `snippetsDirectory` is the directory the job reads snippets from, when known.
    public static func check(settings: Settings, snippetsDirectory: String?) throws(ConfigError) {
        let programs: [(key: String, binary: String?)] = [("crash", settings.crash), ("crash_32", settings.crash32)]
        for (key, binary) in programs {
            guard let binary else { continue }
            let resolved = CrashRun.resolve(binary)
            guard resolved.hasPrefix("/"), FileManager.default.fileExists(atPath: resolved) else { continue }
            if let problem = TrustedPath.problem(resolved) {
                throw .untrusted(path: resolved, what: "[advanced] \(key) program", reason: problem)
            }
        }
        guard let snippetsDirectory, FileManager.default.fileExists(atPath: snippetsDirectory) else { return }
        if let problem = TrustedPath.problem(snippetsDirectory) {
            throw .untrusted(path: snippetsDirectory, what: "snippets directory", reason: problem)
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: snippetsDirectory)) ?? []
        for name in names.sorted() {
            let path = snippetsDirectory + "/" + name
            guard access(path, X_OK) == 0, !FileManager.default.isDirectoryPath(path) else { continue }
            if let problem = TrustedPath.problem(path) {
                throw .untrusted(path: path, what: "executable snippet", reason: problem)
            }
        }
    }

    /// The warning printed on every run whose casuser is root: jobs then read customer uploads as root.
    public static let rootCasuserWarning =
        "casuser is root: jobs read customers' uploads and run crash as root; set [settings] casuser to a dedicated account"
}

extension FileManager {
    fileprivate func isDirectoryPath(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

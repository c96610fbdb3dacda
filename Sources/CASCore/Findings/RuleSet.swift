import Foundation

/// The rules in force: the built-in rules files, then a site's rules directory on top.
///
/// Files are read in name order (`*.rules` only). A site rule with the ID of a built-in one replaces
/// it in place (`disabled = yes` switches it off); new IDs are added after the built-ins.
public enum RuleSet {
    /// File name suffix of rules files.
    public static let fileExtension = "rules"

    /// Built-in rules plus the site directory's (`Settings.rules`), overrides applied.
    public static func load(builtin: String? = nil, site: String?) throws(RuleError) -> [Rule] {
        let builtinPath: String
        if let builtin { builtinPath = builtin } else { builtinPath = try builtinDirectory() }
        var rules = try loadDirectory(builtinPath)
        guard let site else { return rules }
        for rule in try loadDirectory(site) {
            if let index = rules.firstIndex(where: { $0.id == rule.id }) {
                rules[index] = rule
            } else {
                rules.append(rule)
            }
        }
        return rules
    }

    /// Every rule of one directory's `*.rules` files, in file-name order; IDs must be unique.
    public static func loadDirectory(_ directory: String) throws(RuleError) -> [Rule] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .unreadable(path: directory, reason: "no such directory or not readable")
        }
        var rules: [Rule] = []
        for name in names.sorted() where name.hasSuffix("." + fileExtension) {
            let path = directory + "/" + name
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw .unreadable(path: path, reason: "not readable UTF-8 text")
            }
            for rule in try RuleParser.parse(text, path: path) {
                if let first = rules.first(where: { $0.id == rule.id }) {
                    let line = Int(rule.origin.split(separator: ":").last ?? "0") ?? 0
                    throw .duplicate(id: rule.id, path: path, line: line, first: first.origin)
                }
                rules.append(rule)
            }
        }
        return rules
    }

    /// Where the built-in rules are: `$CAS_RULES_DIR`, else `<prefix>/share/cas/rules` beside the installed
    /// executable, else `Config/rules` of the source tree this library was built from.
    public static func builtinDirectory(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(RuleError) -> String {
        let candidates = builtinCandidates(environment: environment)
        var isDirectory: ObjCBool = false
        for candidate in candidates
        where FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory) && isDirectory.boolValue {
            return candidate
        }
        throw .builtinsNotFound(searched: candidates)
    }

    static func builtinCandidates(environment: [String: String]) -> [String] {
        var candidates: [String] = []
        if let explicit = environment["CAS_RULES_DIR"], !explicit.isEmpty { candidates.append(explicit) }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let prefix = executable.deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(prefix.appendingPathComponent("share/cas/rules").path)
        let sourceRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(sourceRoot.appendingPathComponent("Config/rules").path)
        return candidates
    }
}

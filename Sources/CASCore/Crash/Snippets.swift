import Foundation

/// One snippet file: crash commands to add to `crash.in`, or an executable that prints them.
public struct Snippet: Sendable, Equatable {
    /// The file name; snippets are taken in byte order of their names.
    public var name: String
    /// The absolute path of the file.
    public var path: String
    /// True when the file is executable: it is run, and its standard output is used.
    public var isExecutable: Bool

    public init(name: String, path: String, isExecutable: Bool) {
        self.name = name
        self.path = path
        self.isExecutable = isExecutable
    }

    /// Lists the snippets of a directory in name order (hidden files and subdirectories skipped).
    public static func load(directory: String) throws(CrashError) -> [Snippet] {
        let fm = FileManager.default
        let names: [String]
        do {
            names = try fm.contentsOfDirectory(atPath: directory)
        } catch {
            throw .snippetsUnreadable(directory, (error as NSError).localizedDescription)
        }
        var snippets: [Snippet] = []
        for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        where !name.hasPrefix(".") && !name.hasSuffix("~") {
            let path = (directory as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            snippets.append(Snippet(name: name, path: path, isExecutable: fm.isExecutableFile(atPath: path)))
        }
        if snippets.isEmpty { throw .noSnippets(directory) }
        return snippets
    }

    /// The crash commands of a snippet's text: `#` comment lines and blank lines dropped, the rest trimmed.
    public static func commands(in text: String) -> [String] {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty || trimmed.hasPrefix("#") ? nil : trimmed
        }
    }

    /// The default snippets directory for an executable at `executablePath`.
    ///
    /// Installed: `<dir of executable>/../share/cas/snippets`. Development build: the `Snippets/`
    /// directory of the nearest ancestor that holds both `Package.swift` and `Snippets/`.
    public static func defaultDirectory(executablePath: String) -> String? {
        let fm = FileManager.default
        let executable = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath()
        let bin = executable.deletingLastPathComponent()
        let installed = bin.deletingLastPathComponent().appendingPathComponent("share/cas/snippets").path
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: installed, isDirectory: &isDirectory), isDirectory.boolValue { return installed }
        var dir = bin
        while dir.path != "/" && !dir.path.isEmpty {
            let snippets = dir.appendingPathComponent("Snippets").path
            if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
                fm.fileExists(atPath: snippets, isDirectory: &isDirectory), isDirectory.boolValue
            {
                return snippets
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }
}

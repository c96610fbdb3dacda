import Foundation

/// `-m/--modules`: the loaded modules from crash's `mod` table, and a second pass that loads their debug files.
public enum CrashModules {
    /// The command file and crash output of the second pass, in the job directory.
    public static let inputName = JobLayout.modulesInput
    public static let outputName = JobLayout.modulesOutput
    /// The second pass's outputs: the `mod -S` table, and the backtraces with module symbols resolved.
    public static let tableName = JobLayout.modulesTable
    public static let tracebackName = JobLayout.modulesTraceback

    /// What the second pass's `mod -S` did, read from its table and crash's messages.
    public struct Load: Sendable, Equatable {
        /// Modules crash loaded a debug file for, with that file.
        public var loaded: [Row]
        /// Modules of the first pass's table that crash loaded nothing for (no file found, or found and not loaded).
        public var missing: [String]
        /// crash's own complaints from `mod` (`mod: cannot load symbols from: …`, `… not an ELF format object
        /// file`, `cannot find object file for unknown module at …`), as printed.
        public var problems: [String]
    }

    /// Reads the second pass: `table` (the `mod -S` output file) and `output` (what crash printed around it),
    /// against `expected`, the module names of the first pass's table.
    ///
    /// `mod -S` (crash's kernel.c, `LOAD_ALL_MODULE_SYMBOLS`) prints a table row for each module whose object
    /// file it found, with that file when the symbols loaded and `(not loaded)` when not, and an `INFO` line
    /// `mod: …` for each failure; a module whose file it did not find gets no row at all.
    public static func load(table: String, output: String, expected: [String]) -> Load {
        let rows = rows(inTable: table)
        let loaded = rows.filter { $0.objectFile != nil }
        let loadedNames = Set(loaded.map(\.name))
        var problems: [String] = []
        for line in (table + "\n" + output).split(whereSeparator: \.isNewline) {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("mod: "), !problems.contains(text) else { continue }
            problems.append(text)
        }
        return Load(loaded: loaded, missing: expected.filter { !loadedNames.contains($0) }, problems: problems)
    }

    /// One row of crash's `mod` table.
    public struct Row: Sendable, Equatable {
        public var name: String
        /// The object file crash loaded for it, or nil for "(not loaded)".
        public var objectFile: String?
    }

    /// Parses crash's `mod` table (`MODULE NAME BASE SIZE OBJECT FILE`); lines that are not rows are ignored.
    public static func rows(inTable text: String) -> [Row] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(whereSeparator: \.isWhitespace)
            guard fields.count >= 5, fields[0].count >= 8, fields[0].allSatisfy(\.isHexDigit),
                fields[2].allSatisfy(\.isHexDigit), fields[3].allSatisfy(\.isNumber)
            else { return nil }
            let object = fields[4...].joined(separator: " ")
            return Row(name: String(fields[1]), objectFile: object.hasPrefix("(not loaded)") ? nil : object)
        }
    }

    /// The module names of a `mod` table, in table order.
    public static func names(inTable text: String) -> [String] { rows(inTable: text).map(\.name) }

    /// The modules of a `mod -S` table that crash found no debug file for (a module listed twice, by `mod -S`
    /// and then by a `mod -s` that loaded it, counts as its last row says).
    public static func missing(inTable text: String) -> [String] {
        var last: [String: Row] = [:]
        var order: [String] = []
        for row in rows(inTable: text) {
            if last[row.name] == nil { order.append(row.name) }
            last[row.name] = row
        }
        return order.filter { last[$0]?.objectFile == nil }
    }

    /// The second pass's `crash.in`: load every module debug file under `directory` (`mod -S`, which
    /// searches the tree for `<name>.ko`, `.ko.debug`, `.ko.xz`… with `-`/`_` alike), then rerun the backtraces.
    ///
    /// crash splits its command lines at blanks and reads `|` and `>` itself, so such paths are refused.
    public static func secondPassInput(moduleDirectory directory: String) throws(CrashError) -> String {
        try secondPassInput(moduleDirectory: directory, files: [])
    }

    /// The second pass's `crash.in`: `mod -S directory` when there is one, then `mod -s NAME FILE` for each of
    /// `files` (debug files found elsewhere, by module name), then the backtraces again.
    public static func secondPassInput(moduleDirectory directory: String?, files: [(name: String, path: String)])
        throws(CrashError) -> String
    {
        var lines: [String] = []
        if let directory {
            try checkPath(directory)
            lines.append("mod -S \(directory) >> \(tableName)")
        }
        for file in files {
            try checkPath(file.path)
            guard ModuleBuildIds.isModuleName(file.name) else { throw .unsafeCrashPath(file.name) }
            lines.append("mod -s \(file.name) \(file.path) >> \(tableName)")
        }
        lines += ["bt >> \(tracebackName)", "bt -a >> \(tracebackName)"]
        return CrashInput.text(snippets: [lines.joined(separator: "\n")])
    }

    static func checkPath(_ path: String) throws(CrashError) {
        guard !path.isEmpty, !path.contains(where: { $0.isWhitespace || "'\"|>;`".contains($0) }) else {
            throw .unsafeCrashPath(path)
        }
    }
}

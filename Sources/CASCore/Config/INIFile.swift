import Foundation

/// A parsed INI file with Python configparser's syntax: `[section]` headers, `key=value` or `key: value`,
/// `#`/`;` comment lines, indented continuation lines, case-insensitive keys, trimmed values.
///
/// Like configparser, a `[DEFAULT]` section supplies values to every other section, a key with no
/// delimiter is an error, duplicate keys or sections are errors, and `#` after a value is part of it.
public struct INIFile: Sendable, Equatable {
    /// One `key = value` with where it was written.
    public struct Entry: Sendable, Equatable {
        /// The key as written in the file (lookups ignore case).
        public var key: String
        public var value: String
        /// 1-based line of the key.
        public var line: Int
    }

    /// One `[section]` and its entries in file order.
    public struct Section: Sendable, Equatable {
        public var name: String
        public var line: Int
        public var entries: [Entry]

        /// The entry for `key`, ignoring case.
        public func entry(_ key: String) -> Entry? {
            entries.first { $0.key.lowercased() == key.lowercased() }
        }
    }

    /// Sections in file order, `DEFAULT` included if present.
    public var sections: [Section]

    /// The section named `name` (case-insensitive).
    public func section(_ name: String) -> Section? {
        sections.first { $0.name.lowercased() == name.lowercased() }
    }

    /// The entry for `key` in `section`, falling back to `[DEFAULT]`.
    public func entry(_ section: String, _ key: String) -> Entry? {
        self.section(section)?.entry(key) ?? self.section("DEFAULT")?.entry(key)
    }

    /// The value of `key` in `section`, falling back to `[DEFAULT]`.
    public func value(_ section: String, _ key: String) -> String? {
        entry(section, key)?.value
    }

    /// A syntax error: the 1-based line and what is wrong there.
    public struct SyntaxError: Error, Equatable {
        public var line: Int
        public var message: String
    }

    /// Parses INI text. Lines end with LF, CRLF or CR; a leading byte-order mark is ignored.
    ///
    /// As in configparser, a line indented deeper than the key above continues its value (blank lines
    /// between are kept inside the value, blank lines after it are not), and comment lines are skipped
    /// without ending the value.
    public init(parsing text: String) throws(SyntaxError) {
        var sections: [Section] = []
        var lastEntryIndent: Int?
        var blankLines = 0
        let body = text.hasPrefix("\u{FEFF}") ? Substring(text.dropFirst()) : Substring(text)
        let lines = body.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        for (index, line) in lines.enumerated() {
            let lineNumber = index + 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                blankLines += 1
                continue
            }
            if trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            if let entryIndent = lastEntryIndent, indent > entryIndent, let s = sections.indices.last,
                let e = sections[s].entries.indices.last
            {
                let previous = sections[s].entries[e].value
                let separator = String(repeating: "\n", count: blankLines + 1)
                sections[s].entries[e].value = previous.isEmpty ? trimmed : previous + separator + trimmed
                blankLines = 0
                continue
            }
            blankLines = 0
            lastEntryIndent = nil
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]"), trimmed.count > 2 else {
                    throw SyntaxError(line: lineNumber, message: "malformed section header '\(trimmed)'")
                }
                let name = String(trimmed.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                if let earlier = sections.first(where: { $0.name.lowercased() == name.lowercased() }) {
                    throw SyntaxError(
                        line: lineNumber, message: "section [\(name)] appears twice (first on line \(earlier.line))")
                }
                sections.append(Section(name: name, line: lineNumber, entries: []))
                continue
            }
            guard !sections.isEmpty else {
                throw SyntaxError(line: lineNumber, message: "'\(trimmed)' comes before any [section] header")
            }
            guard let delimiter = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw SyntaxError(line: lineNumber, message: "'\(trimmed)' is not 'key = value' or 'key: value'")
            }
            let key = trimmed[..<delimiter].trimmingCharacters(in: .whitespaces)
            let value = trimmed[trimmed.index(after: delimiter)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else {
                throw SyntaxError(line: lineNumber, message: "'\(trimmed)' has no key before '\(trimmed[delimiter])'")
            }
            let current = sections.count - 1
            if let earlier = sections[current].entry(key) {
                throw SyntaxError(
                    line: lineNumber,
                    message: "key '\(key)' in [\(sections[current].name)] is already set on line \(earlier.line)")
            }
            sections[current].entries.append(Entry(key: key, value: value, line: lineNumber))
            lastEntryIndent = indent
        }
        self.sections = sections
    }
}

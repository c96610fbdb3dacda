import Testing

@testable import CASCore

@Suite("INI file")
struct INIFileTests {
    @Test func sectionsAndBothDelimiters() throws {
        let ini = try INIFile(
            parsing: "[settings]\nkernels=/mnt/kernels\ndebugs: /cores/debugs\n[maintenance]\npurgeLimit = 90\n")
        #expect(ini.sections.map(\.name) == ["settings", "maintenance"])
        #expect(ini.value("settings", "kernels") == "/mnt/kernels")
        #expect(ini.value("settings", "debugs") == "/cores/debugs")
        #expect(ini.value("maintenance", "purgeLimit") == "90")
        #expect(ini.value("maintenance", "kernels") == nil)
    }

    @Test func firstDelimiterSplitsAndTheRestIsValue() throws {
        let ini = try INIFile(parsing: "[s]\nsmtphost = mail:2525\nurl: a=b\n")
        #expect(ini.value("s", "smtphost") == "mail:2525")
        #expect(ini.value("s", "url") == "a=b")
    }

    @Test func commentLinesAreSkippedButInlineHashIsValue() throws {
        let ini = try INIFile(parsing: "# top\n; top\n[s]\n  # indented comment\nkey = a # not a comment\n; k = v\n")
        #expect(ini.value("s", "key") == "a # not a comment")
        #expect(ini.section("s")?.entries.count == 1)
    }

    @Test func keysAreCaseInsensitiveAndValuesTrimmed() throws {
        let ini = try INIFile(parsing: "[Settings]\n  WorkDirectory   =   /cores/processed  \t\n")
        #expect(ini.value("settings", "workdirectory") == "/cores/processed")
        #expect(ini.value("SETTINGS", "WORKDIRECTORY") == "/cores/processed")
        #expect(ini.entry("settings", "workDirectory")?.key == "WorkDirectory")
        #expect(ini.entry("settings", "workDirectory")?.line == 2)
    }

    @Test func indentedLinesContinueTheValue() throws {
        let text = "[servers]\nhosts = a.example.com,\n    b.example.com\n\n\tc.example.com\n# comment\n  d\nnext = 1\n"
        let ini = try INIFile(parsing: text)
        #expect(ini.value("servers", "hosts") == "a.example.com,\nb.example.com\n\nc.example.com\nd")
        #expect(ini.value("servers", "next") == "1")
        #expect(ini.entry("servers", "next")?.line == 8)
    }

    @Test func blankLinesAfterAValueAreNotPartOfIt() throws {
        let ini = try INIFile(parsing: "[s]\na = 1\n\n\nb = 2\n")
        #expect(ini.value("s", "a") == "1")
        #expect(ini.value("s", "b") == "2")
    }

    @Test func indentedKeyAfterAHeaderIsAKey() throws {
        let ini = try INIFile(parsing: "[s]\n  a = 1\n  b = 2\n")
        #expect(ini.value("s", "a") == "1")
        #expect(ini.value("s", "b") == "2")
    }

    @Test func defaultSectionIsTheFallback() throws {
        let ini = try INIFile(parsing: "[DEFAULT]\ndebugLevel = DEBUG\nkernels = /k\n[settings]\nkernels = /mnt\n")
        #expect(ini.value("settings", "kernels") == "/mnt")
        #expect(ini.value("settings", "debugLevel") == "DEBUG")
        #expect(ini.value("advanced", "debugLevel") == "DEBUG")
    }

    @Test func crlfAndCRLineEndingsAndBOM() throws {
        let ini = try INIFile(
            parsing: "\u{FEFF}[settings]\r\nkernels = /mnt/kernels\r\n\r\ndebugs = /d\rdatabase = /db\r\n")
        #expect(ini.value("settings", "kernels") == "/mnt/kernels")
        #expect(ini.value("settings", "debugs") == "/d")
        #expect(ini.value("settings", "database") == "/db")
        #expect(ini.entry("settings", "database")?.line == 5)
    }

    @Test func crlfErrorsKeepLineNumbers() {
        #expect(throws: INIFile.SyntaxError(line: 3, message: "'oops' is not 'key = value' or 'key: value'")) {
            try INIFile(parsing: "[s]\r\na = 1\r\noops\r\n")
        }
    }

    @Test(arguments: [
        ("[settings\nkernels = /k\n", 1, "malformed section header '[settings'"),
        ("[]\n", 1, "malformed section header '[]'"),
        ("# c\n\nkernels = /k\n", 3, "'kernels = /k' comes before any [section] header"),
        ("[s]\na = 1\njust words\n", 3, "'just words' is not 'key = value' or 'key: value'"),
        ("[s]\n = 1\n", 2, "'= 1' has no key before '='"),
        ("[s]\nKey = 1\n\nkey: 2\n", 4, "key 'key' in [s] is already set on line 2"),
        ("[s]\na = 1\n[t]\n[S]\n", 4, "section [S] appears twice (first on line 1)"),
    ])
    func syntaxErrorsNameTheLine(text: String, line: Int, message: String) {
        #expect(throws: INIFile.SyntaxError(line: line, message: message)) { try INIFile(parsing: text) }
    }

    @Test func sameKeyInTwoSectionsIsFine() throws {
        let ini = try INIFile(parsing: "[a]\nx = 1\n[b]\nx = 2\n")
        #expect(ini.value("a", "x") == "1")
        #expect(ini.value("b", "x") == "2")
    }
}

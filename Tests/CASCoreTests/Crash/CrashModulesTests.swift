import Testing

@testable import CASCore

@Suite struct CrashModulesTests {
    static let firstPass = """
             MODULE       NAME            BASE         SIZE  OBJECT FILE
        ffffffffa0002040  crashfix  ffffffffa0000000  16384  (not loaded)  [CONFIG_KALLSYMS]
        ffffffffc0a1b000  dm_mod    ffffffffc09f0000  184320  /lib/modules/x/dm-mod.ko.debug

        """

    @Test func parsesModTableRows() {
        #expect(
            CrashModules.rows(inTable: Self.firstPass) == [
                .init(name: "crashfix", objectFile: nil),
                .init(name: "dm_mod", objectFile: "/lib/modules/x/dm-mod.ko.debug"),
            ])
        #expect(CrashModules.names(inTable: Self.firstPass) == ["crashfix", "dm_mod"])
        #expect(CrashModules.missing(inTable: Self.firstPass) == ["crashfix"])
    }

    @Test func ignoresErrorsAndHeaders() {
        #expect(CrashModules.rows(inTable: "mod: cannot access vmalloc'd module memory\n MODULE NAME\n").isEmpty)
    }

    /// `mod -S` prints a row for each module whose file it found (`(not loaded)` when loading failed) and a
    /// `mod: ` line for each failure; a module with no file found gets no row.
    @Test func readsWhatModSLoaded() {
        let table = """
                 MODULE       NAME       TEXT_BASE       SIZE  OBJECT FILE
            ffffffffa0002040  crashfix  ffffffffa0000000  16384  /debugs/k/extra/crashfix.ko
            mod: /debugs/k/extra/broken.ko: not an ELF format object file
            ffffffffc0a1b000  broken    ffffffffc09f0000  184320  (not loaded)

            """
        let output = "mod: cannot load symbols from: /debugs/k/extra/dm-mod.ko.debug\nPID: 1 TASK: ffff\n"
        let load = CrashModules.load(table: table, output: output, expected: ["crashfix", "broken", "dm_mod", "absent"])
        #expect(load.loaded == [.init(name: "crashfix", objectFile: "/debugs/k/extra/crashfix.ko")])
        #expect(load.missing == ["broken", "dm_mod", "absent"])
        #expect(
            load.problems == [
                "mod: /debugs/k/extra/broken.ko: not an ELF format object file",
                "mod: cannot load symbols from: /debugs/k/extra/dm-mod.ko.debug",
            ])
        // A module path that merely contains the word is not a problem.
        let clean = CrashModules.load(
            table: "ffffffffa0002040  cannotfail  ffffffffa0000000  16384  /m/cannotfail.ko\n", output: "",
            expected: ["cannotfail"])
        #expect(clean.problems.isEmpty && clean.missing.isEmpty)
    }

    @Test func secondPassInputLoadsTheTreeAndRerunsBacktraces() throws {
        #expect(
            try CrashModules.secondPassInput(moduleDirectory: "/var/cache/cas/debugs/mods") == """
                mod -S /var/cache/cas/debugs/mods >> modules-debug
                bt >> traceback-modules
                bt -a >> traceback-modules
                exit

                """)
    }

    /// Modules the package lacks, fetched elsewhere: `mod -s` after `mod -S`; the later row of a module wins.
    @Test func secondPassLoadsFilesByNameAfterTheTree() throws {
        #expect(
            try CrashModules.secondPassInput(
                moduleDirectory: "/c/debugs/pkg", files: [(name: "faulty", path: "/c/debugs/x/faulty.ko.debug")])
                == """
                mod -S /c/debugs/pkg >> modules-debug
                mod -s faulty /c/debugs/x/faulty.ko.debug >> modules-debug
                bt >> traceback-modules
                bt -a >> traceback-modules
                exit

                """)
        let table = Self.firstPass + """
                 MODULE       NAME            BASE         SIZE  OBJECT FILE
            ffffffffa0002040  crashfix  ffffffffa0000000  16384  /c/debugs/x/crashfix.ko.debug

            """
        #expect(CrashModules.missing(inTable: table).isEmpty)
        #expect(throws: CrashError.self) {
            try CrashModules.secondPassInput(moduleDirectory: nil, files: [(name: "a;b", path: "/c/a.ko")])
        }
        #expect(throws: CrashError.self) {
            try CrashModules.secondPassInput(moduleDirectory: nil, files: [(name: "a", path: "/c/a b.ko")])
        }
    }

    @Test func refusesPathsCrashWouldSplitOrRedirect() {
        for path in ["/a b", "/a>b", "/a|b", "/a'b", ""] {
            #expect(throws: CrashError.self) { try CrashModules.secondPassInput(moduleDirectory: path) }
        }
    }
}

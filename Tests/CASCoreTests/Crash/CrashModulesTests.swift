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

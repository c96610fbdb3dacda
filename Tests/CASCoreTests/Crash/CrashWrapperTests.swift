import CASTestSupport
import Foundation
import Testing

@testable import CASCore

@Suite struct CrashWrapperTests {
    typealias T = CrashTestSupport

    @Test func scriptTextExecsCrashOnAbsoluteQuotedPaths() {
        let text = CrashWrapper.script(
            crash: "/usr/bin/crash", dump: "vmcore",
            vmlinux: "usr/lib/debug/lib/modules/6.1.192-tiny-pidfix/vmlinux",
            directory: "/work/12345/2026.11.23.10.00.00")
        #expect(
            text == """
                #!/bin/sh
                exec '/usr/bin/crash' '/work/12345/2026.11.23.10.00.00/vmcore' \
                '/work/12345/2026.11.23.10.00.00/usr/lib/debug/lib/modules/6.1.192-tiny-pidfix/vmlinux' "$@"

                """)
    }

    @Test func bareCrashNameStaysANameAndDotsAreResolved() {
        let text = CrashWrapper.script(crash: "crash", dump: "./a/../vmcore", vmlinux: "/x/./y", directory: "/j")
        #expect(text == "#!/bin/sh\nexec 'crash' '/j/vmcore' '/x/y' \"$@\"\n")
    }

    @Test func quotingSurvivesQuotesSpacesAndDollars() {
        #expect(CrashWrapper.shellQuoted("it's $HOME `x` \"y\"") == #"'it'\''s $HOME `x` "y"'"#)
    }

    /// The written script, run by sh, hands crash exactly the paths and the caller's arguments.
    @Test func writtenScriptPassesHostilePathsAndArgumentsIntact() async throws {
        let root = try TemporaryDirectory.make("cas-crash")
        let job = root + "/job it's $HOME `id` \"q\" \\ end"
        try FileManager.default.createDirectory(atPath: job, withIntermediateDirectories: true)
        let fakeCrash = try T.writeScript(
            root + "/fake crash's $x", "#!/bin/sh\nfor a; do printf '%s\\n' \"$a\"; done\n")
        let path = try CrashWrapper.write(
            crash: fakeCrash, dump: "dump 'x'", vmlinux: "usr/lib/debug/vm $linux", directory: job)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o755)
        let result = try await Command("/bin/sh", ["./crash", "-i", "crash in'put"], workingDirectory: job).run()
        #expect(result.succeeded)
        #expect(
            result.standardOutput
                == [job + "/dump 'x'", job + "/usr/lib/debug/vm $linux", "-i", "crash in'put"].joined(separator: "\n")
                + "\n")
        let direct = try await Command(path, ["x y"], workingDirectory: root).run()
        #expect(direct.standardOutput.hasSuffix("\nx y\n"))
    }

    @Test func writtenScriptResolvesABareNameOnPathNeverItself() throws {
        let job = try TemporaryDirectory.make("cas-crash")
        try CrashWrapper.write(crash: "sh", dump: "d", vmlinux: "v", directory: job)
        let text = T.read(job, "crash")
        let sh = try #require(findExecutable("sh"))
        #expect(text == "#!/bin/sh\nexec '\(sh)' '\(job)/d' '\(job)/v' \"$@\"\n")
        #expect(CrashRun.resolve("/x/crash") == "/x/crash")
        #expect(CrashRun.resolve("no-such-crash-binary") == "no-such-crash-binary")
    }

    @Test func unwritableDirectoryIsCannotWrite() {
        #expect(throws: CrashError.self) {
            try CrashWrapper.write(crash: "crash", dump: "d", vmlinux: "v", directory: "/nonexistent/job")
        }
    }
}

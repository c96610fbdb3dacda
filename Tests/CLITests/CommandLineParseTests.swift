import ArgumentParser
import Foundation
import Testing

@testable import cas
@testable import cas_admin

/// Parse-level checks of both command lines: the original flag forms, the word forms, and usage errors.
@Suite("Command-line parsing")
struct CommandLineParseTests {
    @Test func casShortFlags() throws {
        let cas = try #require(
            CAS.parseAsRoot(["-i", "12345678", "-f", "/tmp/vmcore", "-e", "a@x.org", "-e", "b@x.org", "-m"]) as? CAS)
        #expect(cas.identifier == "12345678")
        #expect(cas.file == "/tmp/vmcore")
        #expect(cas.email == ["a@x.org", "b@x.org"])
        #expect(cas.modules)
        #expect(cas.global.config == nil)
    }

    @Test func casLongFlagsAndGlobals() throws {
        let cas = try #require(
            CAS.parseAsRoot([
                "--identifier", "case.01_a-b", "--file", "dump.tar.xz", "--email", "a@x.org", "--modules",
                "--config", "/etc/other.conf", "--verbose", "--json",
            ]) as? CAS)
        #expect(cas.identifier == "case.01_a-b")
        #expect(cas.file == "dump.tar.xz")
        #expect(cas.email == ["a@x.org"])
        #expect(cas.modules)
        #expect(cas.global.config == "/etc/other.conf")
        #expect(cas.global.verbose)
        #expect(cas.global.json)
    }

    @Test func casIdentifyWordForm() throws {
        let identify = try #require(CAS.parseAsRoot(["identify", "a.vmcore", "b.tar.gz", "--json"]) as? CAS.Identify)
        #expect(identify.files == ["a.vmcore", "b.tar.gz"])
        #expect(identify.global.json)
    }

    @Test(arguments: [
        ["-i", "../x", "-f", "dump"],
        ["-i", "", "-f", "dump"],
        ["-i", String(repeating: "x", count: 200), "-f", "dump"],
        ["-i", "..", "-f", "dump"],
        ["-i", "a/b", "-f", "dump"],
        ["-i", "a b", "-f", "dump"],
        ["-i", "123"],
        ["-f", "dump"],
        ["-i", "123", "-f", ""],
        ["--bogus"],
    ])
    func casUsageErrorsExit64(arguments: [String]) {
        #expect(usageExit { try CAS.parseAsRoot(arguments) } == 64)
    }

    @Test func casWithNothingIsAUsageErrorAtRun() async throws {
        let cas = try #require(CAS.parseAsRoot([]) as? CAS)
        #expect(usageExit { try cas.validateJob() } == 64)
    }

    @Test func casIDAtTheLimitIsAccepted() throws {
        let id = String(repeating: "7", count: 128)
        let cas = try #require(CAS.parseAsRoot(["-i", id, "-f", "dump"]) as? CAS)
        #expect(cas.identifier == id)
    }

    @Test func adminFlagForms() throws {
        let b = try #require(CASAdmin.parseAsRoot(["-b"]) as? CASAdmin)
        #expect(b.build && !b.server && !b.purge)
        let s = try #require(CASAdmin.parseAsRoot(["-s"]) as? CASAdmin)
        #expect(s.server && !s.build)
        let p = try #require(CASAdmin.parseAsRoot(["-p", "-d", "30"]) as? CASAdmin)
        #expect(p.purge && p.retention.days == 30)
        let long = try #require(CASAdmin.parseAsRoot(["--purge", "--days", "7", "--config", "/c"]) as? CASAdmin)
        #expect(long.purge && long.retention.days == 7 && long.global.config == "/c")
        let server = try #require(CASAdmin.parseAsRoot(["--server", "--verbose"]) as? CASAdmin)
        #expect(server.server && server.global.verbose)
        let build = try #require(CASAdmin.parseAsRoot(["--build"]) as? CASAdmin)
        #expect(build.build)
        // The flag forms take their word forms' options.
        let full = try #require(CASAdmin.parseAsRoot(["-b", "--full"]) as? CASAdmin)
        #expect(full.build && full.index.full)
        try full.validateFlagForm()
        let yes = try #require(CASAdmin.parseAsRoot(["-p", "--yes", "--dry-run"]) as? CASAdmin)
        #expect(yes.purge && yes.purging.yes && yes.purging.dryRun)
        let word = try #require(CASAdmin.parseAsRoot(["build", "--full"]) as? CASAdmin.Build)
        #expect(word.index.full)
        try yes.validateFlagForm()
        let misplaced = try #require(CASAdmin.parseAsRoot(["-s", "--full"]) as? CASAdmin)
        #expect(throws: ValidationError.self) { try misplaced.validateFlagForm() }
    }

    /// Every option of a word form (`build`, `servers`, `purge`), read from ArgumentParser's own description of
    /// it, is taken by its flag form (`-b`, `-s`, `-p`) and passes the flag form's checks.
    @Test(arguments: ["-b", "-s", "-p"])
    func adminFlagFormTakesEveryOptionOfItsWordForm(flag: String) throws {
        let word: any ParsableCommand.Type =
            switch flag {
            case "-b": CASAdmin.Build.self
            case "-s": CASAdmin.Servers.self
            default: CASAdmin.Purge.self
            }
        let options = try Self.namedOptions(of: word)
        #expect(options.count >= 3)  // at least --config, --verbose, --json
        for (name, takesValue) in options {
            let arguments = [flag, name] + (takesValue ? ["1"] : [])
            let admin = try #require(CASAdmin.parseAsRoot(arguments) as? CASAdmin, "\(arguments)")
            #expect(throws: Never.self, "\(arguments)") { try admin.validateFlagForm() }
        }
    }

    /// The named options and flags of `command` (help aside), one name each, and whether each takes a value.
    static func namedOptions(of command: any ParsableCommand.Type) throws -> [(name: String, takesValue: Bool)] {
        let dump = try #require(
            try JSONSerialization.jsonObject(with: Data(command._dumpHelp().utf8)) as? [String: Any])
        let info = try #require(dump["command"] as? [String: Any])
        let arguments = info["arguments"] as? [[String: Any]] ?? []
        return arguments.compactMap { argument in
            guard let kind = argument["kind"] as? String, kind == "option" || kind == "flag",
                let names = argument["names"] as? [[String: Any]],
                let name = names.first(where: { $0["kind"] as? String == "long" })?["name"] as? String,
                name != "help"
            else { return nil }
            return ("--" + name, kind == "option")
        }
    }

    @Test func adminWordForms() throws {
        #expect(try CASAdmin.parseAsRoot(["build"]) is CASAdmin.Build)
        #expect(try CASAdmin.parseAsRoot(["servers"]) is CASAdmin.Servers)
        let purge = try #require(CASAdmin.parseAsRoot(["purge", "-d", "7"]) as? CASAdmin.Purge)
        #expect(purge.retention.days == 7 && !purge.purging.dryRun)
        let longPurge = try #require(CASAdmin.parseAsRoot(["purge", "--days", "0"]) as? CASAdmin.Purge)
        #expect(longPurge.retention.days == 0)
        let dry = try #require(CASAdmin.parseAsRoot(["purge", "--dry-run", "--yes"]) as? CASAdmin.Purge)
        #expect(dry.purging.dryRun && dry.purging.yes && dry.retention.days == nil)
        let check = try #require(CASAdmin.parseAsRoot(["check", "--json", "--config", "/x.conf"]) as? CASAdmin.Check)
        #expect(check.global.json && check.global.config == "/x.conf")
        for what in ["kernels", "servers", "jobs"] {
            let list = try #require(CASAdmin.parseAsRoot(["list", what]) as? CASAdmin.List)
            #expect(list.what.rawValue == what)
        }
    }

    @Test(arguments: [
        ["-b", "-s"],
        ["-s", "-p"],
        ["-b", "-p"],
        ["-p", "-d", "-1"],
        ["-p", "-d", "many"],
        ["purge", "-d", "-2"],
        ["list"],
        ["list", "packages"],
        ["frobnicate"],
    ])
    func adminUsageErrorsExit64(arguments: [String]) {
        #expect(usageExit { try CASAdmin.parseAsRoot(arguments) } == 64)
    }

    @Test(arguments: [["-d", "30"], ["-b", "-d", "3"], ["-s", "--days", "1"]])
    func adminDaysWithoutPurgeIsAUsageError(arguments: [String]) throws {
        let admin = try #require(CASAdmin.parseAsRoot(arguments) as? CASAdmin)
        #expect(usageExit { try admin.validateFlagForm() } == 64)
    }

    /// The exit code ArgumentParser gives the error `body` throws (64 for usage), nil when nothing is thrown.
    func usageExit(_ body: () throws -> Any) -> Int32? {
        do {
            _ = try body()
            return nil
        } catch {
            return CAS.exitCode(for: error).rawValue
        }
    }
}

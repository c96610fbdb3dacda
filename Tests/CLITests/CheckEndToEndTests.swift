import CASCore
import CASTestSupport
import Foundation
import Testing

/// The built `cas-admin check` against temporary configurations, good and broken.
@Suite("cas-admin check, end to end")
struct CheckEndToEndTests {
    let tmp = CLITempDirectory()

    /// The lines of the plain report as (status, name, detail).
    func lines(_ output: String) -> [(status: String, name: String, rest: String)] {
        output.split(separator: "\n").map { line in
            let words = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
            return (
                words.first ?? "", words.count > 1 ? words[1] : "",
                words.count > 2 ? words[2].trimmingCharacters(in: .whitespaces) : ""
            )
        }
    }

    @Test func goodConfigurationPasses() async throws {
        guard findExecutable("crash") != nil else {
            Issue.record("crash is not installed (apt-get install crash); cannot check a good installation")
            return
        }
        let config = try tmp.goodConfig()
        let result = try await BuiltTool.run("cas-admin", ["check", "--config", config], environment: tmp.environment)
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        let report = lines(result.standardOutput)
        #expect(report.allSatisfy { $0.status == "ok" || $0.status == "warning" }, "\(result.standardOutput)")
        let names = report.map(\.name)
        for name in [
            "config", "kernels", "debugs", "workDirectory", "database", "crash", "smtphost", "libarchive", "decompressors",
            "casuser",
        ] {
            #expect(names.contains(name), "no \(name) line in \(result.standardOutput)")
        }
        #expect(report.first { $0.name == "config" }?.rest == config)
        // check creates nothing: a database not made yet is fine while its directory is the casuser's.
        #expect(report.first { $0.name == "database" }?.rest.contains("not created yet") == true)
        #expect(report.first { $0.name == "crash" }?.rest.contains("crash ") == true)
        #expect(report.first { $0.name == "casuser" }?.rest.contains("running as it") == true)
        #expect(report.first { $0.name == "libarchive" }?.rest.hasPrefix("libarchive 3.") == true, "the loaded version")
        #expect(!FileManager.default.fileExists(atPath: tmp.path + "/cas.db"), "check creates no database")
        _ = try Store(path: tmp.path + "/cas.db")
        let again = try await BuiltTool.run("cas-admin", ["check", "--config", config], environment: tmp.environment)
        #expect(
            lines(again.standardOutput).first { $0.name == "database" }?.rest
                .contains("schema version \(Store.latestSchemaVersion)") == true, "\(again.standardOutput)")
    }

    @Test func debuginfodServersAreShownWithWhereTheyComeFrom() async throws {
        let config = try tmp.goodConfig(advanced: "crash = /bin/true")
        var environment = tmp.environment
        environment["DEBUGINFOD_URLS"] = "http://127.0.0.1:9/ file:///srv/debuginfo"
        let result = try await BuiltTool.run("cas-admin", ["check", "--config", config], environment: environment)
        let line = lines(result.standardOutput).first { $0.name == "debuginfodUrls" }
        #expect(line?.status == "ok")
        #expect(line?.rest == "http://127.0.0.1:9/ file:///srv/debuginfo (from DEBUGINFOD_URLS)", "\(result.standardOutput)")
        let none = try await BuiltTool.run("cas-admin", ["check", "--config", config], environment: tmp.environment)
        #expect(lines(none.standardOutput).first { $0.name == "debuginfodUrls" }?.rest.hasPrefix("not set") == true)
    }

    @Test func jsonReportIsAnObjectWithPassedAndItems() async throws {
        let config = try tmp.goodConfig(replacing: ["smtphost = localhost:2525\n": ""], advanced: "crash = /bin/true")
        let result = try await BuiltTool.run(
            "cas-admin", ["check", "--json", "--config", config], environment: tmp.environment)
        let object = try #require(
            JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any],
            "\(result.standardOutput)")
        let items = try #require(object["items"] as? [[String: String]])
        #expect(object["passed"] as? Bool == (result.status == 0))
        #expect(
            items.allSatisfy {
                $0["name"] != nil && $0["detail"] != nil && ["ok", "warning", "error"].contains($0["status"])
            })
        #expect(items.contains { $0["name"] == "smtphost" && $0["status"] == "warning" })
        #expect(items.contains { $0["name"] == "config" && $0["status"] == "ok" && $0["detail"] == config })
        // /bin/true reports no version: a warning, not an error.
        #expect(items.contains { $0["name"] == "crash" && $0["status"] == "warning" })
        #expect(object["passed"] as? Bool == true)
        #expect(result.status == 0)
    }

    /// Runs check on a broken configuration and returns the error lines (exit status must be 78).
    func expectFailure(_ config: String, json: Bool = false) async throws -> [String] {
        let result = try await BuiltTool.run("cas-admin", ["check", "--config", config], environment: tmp.environment)
        #expect(result.status == 78, "\(result.standardOutput)\(result.standardError)")
        return result.standardOutput.split(separator: "\n").map(String.init).filter { $0.hasPrefix("error ") }
    }

    @Test func missingDirectory() async throws {
        let config = try tmp.goodConfig(replacing: ["\(tmp.path)/debugs": "\(tmp.path)/gone"])
        let errors = try await expectFailure(config)
        let user = Settings.currentUserName()
        #expect(errors == ["error   debugs         \(tmp.path)/gone: does not exist (install -d -o \(user) -m 0750 \(tmp.path)/gone)"])
    }

    @Test func badValue() async throws {
        let config = try tmp.goodConfig(replacing: ["autoPurge = No": "autoPurge = maybe"])
        let errors = try await expectFailure(config)
        #expect(
            errors == [
                "error   config         config \(config):9: bad value 'maybe' for 'autoPurge' in [maintenance]: expected Yes or No"
            ])
    }

    @Test func databaseThatIsNotADatabase() async throws {
        try tmp.write("cas.db", String(repeating: "garbage, not sqlite\n", count: 200))
        let config = try tmp.goodConfig(advanced: "crash = /bin/true")
        let errors = try await expectFailure(config)
        #expect(
            errors == [
                "error   database       database \(tmp.path)/cas.db: not an SQLite database (corrupt or another kind of file)"
            ])
    }

    @Test func crashThatDoesNotExist() async throws {
        let config = try tmp.goodConfig(advanced: "crash = \(tmp.path)/no/crash\ncrash_32 = crash32-nowhere")
        let errors = try await expectFailure(config)
        #expect(errors.count == 2)
        #expect(
            errors.first?.hasPrefix("error   crash          '\(tmp.path)/no/crash' not found or not executable") == true
        )
        #expect(errors.last?.hasPrefix("error   crash_32       'crash32-nowhere' not found or not executable") == true)
    }

    @Test func missingConfigFileAndJSONOnFailure() async throws {
        let missing = tmp.path + "/nope.conf"
        let result = try await BuiltTool.run(
            "cas-admin", ["check", "--json", "--config", missing], environment: tmp.environment)
        #expect(result.status == 78)
        let object = try #require(
            JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(object["passed"] as? Bool == false)
        let items = try #require(object["items"] as? [[String: String]])
        #expect(items.first?["detail"] == "config \(missing): cannot read: no such file")
    }

    @Test func unknownKeyIsAWarningLineOnly() async throws {
        let config = try tmp.goodConfig(replacing: ["smtphost =": "stmphost ="], advanced: "crash = /bin/true")
        let result = try await BuiltTool.run("cas-admin", ["check", "--config", config], environment: tmp.environment)
        #expect(result.status == 0)
        #expect(
            result.standardOutput.contains(
                "warning config         config \(config):7: unknown key 'stmphost' in [settings] (did you mean 'smtphost'?)"
            ))
        #expect(!result.standardError.contains("stmphost"))
    }

    @Test func environmentVariableSelectsTheConfig() async throws {
        let config = try tmp.goodConfig(advanced: "crash = /bin/true")
        var env = tmp.environment
        env["CAS_CONFIG"] = config
        let result = try await BuiltTool.run("cas-admin", ["check"], environment: env)
        #expect(result.standardOutput.hasPrefix("ok      config         \(config)\n"))
    }

    @Test func builtInDefaultNeedsNoSetup() async throws {
        guard !FileManager.default.fileExists(atPath: "/etc/cas.conf") else {
            Issue.record("/etc/cas.conf exists on this machine, so the built-in default is not reachable")
            return
        }
        let result = try await BuiltTool.run("cas-admin", ["check"], environment: tmp.environment)
        #expect(result.standardOutput.hasPrefix("ok      config         built-in default (\(tmp.path)/xdg/cas)\n"))
        // check creates nothing: the directories are made by the first command that uses them.
        for dir in ["kernels", "debugs", "work"] {
            #expect(!FileManager.default.fileExists(atPath: "\(tmp.path)/xdg/cas/\(dir)"))
        }
        #expect(result.status == 0, "\(result.standardOutput)")
        #expect(result.standardOutput.contains("ok      workDirectory  \(tmp.path)/xdg/cas/work (created on first use)"))
    }
}

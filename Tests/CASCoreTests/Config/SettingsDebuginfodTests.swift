import CASTestSupport
import Foundation
import Testing

@testable import CASCore

/// debuginfod servers: `[settings] debuginfodUrls` overrides `$DEBUGINFOD_URLS`; nothing set means none.
@Suite("Settings: debuginfod servers")
struct SettingsDebuginfodTests {
    let tmp = TempDirectory()

    func load(
        _ settings: String, maintenance: String = "", advanced: String = "", environment: [String: String]
    ) throws -> Settings {
        let text = sampleConfig(base: tmp.appending("d"), settings: settings, maintenance: maintenance, advanced: advanced)
        let path = try tmp.write("cas.conf", text)
        return try Settings.load(Settings.Locator(explicitPath: path, environment: environment, systemPath: "/none"))
    }

    @Test func environmentIsUsedWhenTheFileIsSilent() throws {
        let settings = try load("", environment: ["DEBUGINFOD_URLS": "https://a.example/ http://b.example:8002"])
        #expect(settings.debuginfodUrls == ["https://a.example/", "http://b.example:8002"])
        #expect(settings.debuginfodUrlsSource == "DEBUGINFOD_URLS")
    }

    @Test func theKeyOverridesTheEnvironmentAndAnEmptyKeyMeansNone() throws {
        let env = ["DEBUGINFOD_URLS": "https://a.example/"]
        let set = try load("debuginfodUrls = file:///srv/dbg http://c.example", environment: env)
        #expect(set.debuginfodUrls == ["file:///srv/dbg", "http://c.example"])
        #expect(set.debuginfodUrlsSource == "[settings] debuginfodUrls")
        let empty = try load("debuginfodUrls =", environment: env)
        #expect(empty.debuginfodUrls.isEmpty)
        let none = try load("", environment: [:])
        #expect(none.debuginfodUrls.isEmpty && none.debuginfodUrlsSource == nil)
    }

    @Test func aURLOfAnotherSchemeIsAnErrorNamingTheKey() throws {
        #expect {
            try load("debuginfodUrls = http://ok.example ftp://bad.example", environment: [:])
        } throws: { error in
            "\(error)".contains("debuginfodUrls") && "\(error)".contains("ftp://bad.example")
        }
        let env = try load("", environment: ["DEBUGINFOD_URLS": "ftp://x http://y"])
        #expect(env.debuginfodUrls == ["http://y"])
        #expect(env.warnings.contains { $0.contains("ftp://x") })
    }

    @Test func timeoutAndPrefetchKeys() throws {
        let settings = try load(
            "", maintenance: "prefetch = 2", advanced: "debuginfodTimeout = 5", environment: [:])
        #expect(settings.debuginfodTimeout == 5)
        #expect(settings.prefetch == 2)
    }
}

import CASTestSupport
import Foundation
import Testing

@testable import CASCore

/// DESIGN's lookup order: --config, then $CAS_CONFIG, then /etc/cas.conf, then the built-in default.
@Suite("Settings lookup order")
struct SettingsLookupTests {
    let tmp = TempDirectory()

    func config(_ name: String, purgeLimit: Int) throws -> String {
        try tmp.write(
            name,
            sampleConfig(base: tmp.appending(name + ".d")).replacingOccurrences(
                of: "purgeLimit = 30", with: "purgeLimit = \(purgeLimit)"))
    }

    @Test func explicitPathWinsOverEverything() throws {
        let explicit = try config("explicit.conf", purgeLimit: 1)
        let env = try config("env.conf", purgeLimit: 2)
        let system = try config("system.conf", purgeLimit: 3)
        let locator = Settings.Locator(
            explicitPath: explicit, environment: ["CAS_CONFIG": env, "XDG_DATA_HOME": tmp.appending("xdg")],
            systemPath: system)
        let settings = try Settings.load(locator)
        #expect(settings.source == explicit)
        #expect(settings.purgeLimit == 1)
    }

    @Test func environmentWinsOverSystemFile() throws {
        let env = try config("env.conf", purgeLimit: 2)
        let system = try config("system.conf", purgeLimit: 3)
        let locator = Settings.Locator(explicitPath: nil, environment: ["CAS_CONFIG": env], systemPath: system)
        let settings = try Settings.load(locator)
        #expect(settings.source == env)
        #expect(settings.purgeLimit == 2)
    }

    @Test func emptyEnvironmentVariableIsIgnored() throws {
        let system = try config("system.conf", purgeLimit: 3)
        let locator = Settings.Locator(explicitPath: nil, environment: ["CAS_CONFIG": ""], systemPath: system)
        #expect(try Settings.load(locator).purgeLimit == 3)
    }

    @Test func systemFileWinsOverBuiltInDefault() throws {
        let system = try config("system.conf", purgeLimit: 3)
        let locator = Settings.Locator(
            explicitPath: nil, environment: ["XDG_DATA_HOME": tmp.appending("xdg")], systemPath: system)
        let settings = try Settings.load(locator)
        #expect(settings.source == system)
        #expect(settings.purgeLimit == 3)
        #expect(!FileManager.default.fileExists(atPath: tmp.appending("xdg/cas")))
    }

    @Test func builtInDefaultLivesUnderXDGDataHomeAndCreatesItsDirectories() throws {
        let xdg = tmp.appending("xdg")
        let locator = Settings.Locator(
            explicitPath: nil, environment: ["XDG_DATA_HOME": xdg, "HOME": tmp.appending("home")],
            systemPath: tmp.appending("absent.conf"))
        let settings = try Settings.load(locator)
        #expect(settings.source == "built-in default (\(xdg)/cas)")
        #expect(settings.kernels == xdg + "/cas/kernels")
        #expect(settings.debugs == xdg + "/cas/debugs")
        #expect(settings.workDirectory == xdg + "/cas/work")
        #expect(settings.database == xdg + "/cas/cas.db")
        #expect(settings.purgeLimit == 90)
        #expect(!settings.autoPurge)
        #expect(settings.crash == "crash")
        for dir in [settings.kernels, settings.debugs, settings.workDirectory] {
            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory) && isDirectory.boolValue)
        }
    }

    @Test func builtInDefaultFallsBackToHomeWhenXDGIsUnsetOrRelative() throws {
        let home = tmp.appending("home")
        for env in [["HOME": home], ["HOME": home, "XDG_DATA_HOME": "relative/dir"]] {
            let locator = Settings.Locator(explicitPath: nil, environment: env, systemPath: tmp.appending("absent"))
            #expect(locator.configFile() == nil)
            #expect(locator.defaultBase() == home + "/.local/share/cas")
        }
        let settings = try Settings.load(
            Settings.Locator(explicitPath: nil, environment: ["HOME": home], systemPath: tmp.appending("absent")))
        #expect(FileManager.default.fileExists(atPath: home + "/.local/share/cas/work"))
        #expect(settings.workDirectory == home + "/.local/share/cas/work")
    }

    @Test func namedButMissingFileIsAnErrorNotAFallThrough() {
        let missing = tmp.appending("nope.conf")
        let system = try? config("system.conf", purgeLimit: 3)
        for locator in [
            Settings.Locator(explicitPath: missing, environment: [:], systemPath: system ?? ""),
            Settings.Locator(explicitPath: nil, environment: ["CAS_CONFIG": missing], systemPath: system ?? ""),
        ] {
            #expect(throws: ConfigError.unreadable(path: missing, reason: "no such file")) {
                try Settings.load(locator)
            }
        }
    }

    @Test func directoryAsConfigSaysSo() throws {
        let dir = try tmp.makeDirectory("conf.d")
        let error = #expect(throws: ConfigError.self) {
            try Settings.load(Settings.Locator(explicitPath: dir, environment: [:]))
        }
        #expect(error?.description == "config \(dir): cannot read: it is a directory")
        #expect(error?.exitStatus == .configuration)
    }
}

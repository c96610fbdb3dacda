import CASTestSupport
import Foundation
import Testing

@testable import CASCore

/// Every key's validation, and messages naming file, line, section and key.
@Suite("Settings validation")
struct SettingsValidationTests {
    let path = "/etc/cas.conf"
    let base = "/srv/cas"

    func parse(settings: String = "", maintenance: String = "", advanced: String = "") throws(ConfigError) -> Settings {
        try Settings.parse(
            sampleConfig(base: base, settings: settings, maintenance: maintenance, advanced: advanced), path: path,
            base: "/default")
    }

    /// The error `parse` throws for a config, as its one-line message.
    func message(_ text: String) -> String? {
        do {
            _ = try Settings.parse(text, path: path, base: "/default")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func originalSampleParses() throws {
        let original = """
            [settings]
            casuser=root
            kernels=/mnt/kernels
            rpmFilter=.*kerne.+-debuginfo-[0-9].*\\.rpm
            debugs=/cores/debugs
            debugLevel=DEBUG
            workDirectory=/cores/processed
            smtphost=mail.example.com
            database=/var/db/cas/cas.db
            [maintenance]
            purgeLimit=90
            autoPurge=Yes
            [advanced]
            # crash_32=/usr/local/i386/crash
            # buffersize=None
            """
        let s = try Settings.parse(original, path: path, base: "/default")
        #expect(s.casUser == "root")
        #expect(s.kernels == "/mnt/kernels")
        #expect(s.rpmFilter.pattern == ".*kerne.+-debuginfo-[0-9].*\\.rpm")
        #expect(s.debugLevel == .debug)
        #expect(s.workDirectory == "/cores/processed")
        #expect(s.smtpHost == "mail.example.com")
        #expect(s.database == "/var/db/cas/cas.db")
        #expect(s.purgeLimit == 90)
        #expect(s.autoPurge)
        #expect(s.crash32 == nil)
        #expect(s.bufferSize == 64 << 20)
        #expect(s.warnings.isEmpty)
        #expect(s.source == path)
    }

    @Test func repoSampleConfigParsesWithoutWarnings() throws {
        let sample = try String(contentsOfFile: TestTools.packageRoot + "/Config/cas.conf", encoding: .utf8)
        let s = try Settings.parse(sample, path: "Config/cas.conf", base: "/default")
        #expect(s.warnings.isEmpty)
        #expect(s.kernels == "/mnt/kernels")
        #expect(s.rpmFilter.pattern == Settings.defaultRPMFilter)
        #expect(s.debFilter.pattern == Settings.defaultDebFilter)
    }

    @Test func defaultsApplyWhenKeysAreAbsent() throws {
        let s = try parse()
        #expect(s.casUser == Settings.currentUserName())
        #expect(s.rpmFilter.pattern == Settings.defaultRPMFilter)
        #expect(s.debugLevel == .info)
        #expect(s.smtpHost == nil)
        #expect(s.purgeLimit == 30)
        #expect(!s.autoPurge)
        #expect(s.crash == "crash")
        #expect(s.crashTimeout == 7200)
        #expect(s.localAnalysis)
        #expect(s.database == "/srv/cas/db/cas.db")
    }

    @Test func typedValuesAreRead() throws {
        let s = try parse(
            settings: "debugLevel = debug\nsmtphost = relay:2525\nsnippets = /etc/cas/snippets/\nmailAttachLimit = 10M",
            maintenance: "autoPurge = on\ndebugsLimit = 500G",
            advanced: "crash = /opt/crash\ncrash_32 = /opt/crash32\nbuffersize = 1.5M\nlocalAnalysis = 0\n"
                + "sshOptions = -o Foo=1\n  -4\nsshConnectTimeout = 3")
        #expect(s.debugLevel == .debug)
        #expect(s.smtpHost == "relay:2525")
        #expect(s.snippets == "/etc/cas/snippets")
        #expect(s.mailAttachLimit == 10 << 20)
        #expect(s.autoPurge)
        #expect(s.debugsLimit == 500 << 30)
        #expect(s.crash == "/opt/crash")
        #expect(s.crash32 == "/opt/crash32")
        #expect(s.bufferSize == 1_572_864)
        #expect(!s.localAnalysis)
        #expect(s.sshOptions == ["-o", "Foo=1", "-4"])
        #expect(s.sshConnectTimeout == 3)
    }

    @Test(arguments: ["Yes", "yes", "TRUE", "on", "1"])
    func trueBooleans(word: String) throws {
        #expect(try parse(maintenance: "autoPurge = \(word)").autoPurge)
    }

    @Test(arguments: ["No", "no", "False", "OFF", "0"])
    func falseBooleans(word: String) throws {
        #expect(try !parse(maintenance: "autoPurge = \(word)", advanced: "localAnalysis = \(word)").localAnalysis)
    }

    @Test func missingRequiredKeyNamesFileSectionAndKey() {
        let text = "[settings]\nkernels = /k\ndebugs = /d\nworkDirectory = /w\n"
        #expect(message(text) == "config /etc/cas.conf:1: missing required key 'database' in [settings]")
        #expect(
            message("[maintenance]\npurgeLimit = 3\n")
                == "config /etc/cas.conf: missing required key 'kernels' in [settings]")
        #expect(
            message("[settings]\nkernels = None\n")
                == "config /etc/cas.conf:1: missing required key 'kernels' in [settings]")
    }

    @Test func badBooleanNamesLineSectionKeyAndExpectation() {
        let text = sampleConfig(base: base, maintenance: "autoPurge = maybe")
        let line =
            text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("autoPurge") }! + 1
        #expect(
            message(text)
                == "config /etc/cas.conf:\(line): bad value 'maybe' for 'autoPurge' in [maintenance]: expected Yes or No"
        )
    }

    @Test func badValuesOfEveryKind() throws {
        func expectBad(_ settings: String = "", _ maintenance: String = "", _ advanced: String = "", _ fragment: String)
        {
            let text = sampleConfig(base: base, settings: settings, maintenance: maintenance, advanced: advanced)
            let got = message(text) ?? "(no error)"
            #expect(got.contains(fragment), "\(got)")
            #expect(got.hasPrefix("config /etc/cas.conf:"), "\(got)")
        }
        expectBad("", "purgeLimit = 0", "", "key 'purgeLimit' in [maintenance] is already set on line")
        expectBad(
            "", "", "crashTimeout = soon",
            "bad value 'soon' for 'crashTimeout' in [advanced]: expected a whole number from 1 to 2592000")
        expectBad("", "", "crashTimeout = 0", "bad value '0' for 'crashTimeout'")
        expectBad(
            "", "", "buffersize = lots",
            "bad value 'lots' for 'buffersize' in [advanced]: expected a size such as 4096, 64M, 500G or 2T")
        expectBad("", "", "buffersize = 0", "bad value '0' for 'buffersize'")
        expectBad(
            "rpmFilter = .*\\(kernel", "", "",
            "bad value '.*\\(kernel' for 'rpmFilter' in [settings]: expected an emacs-style regular expression as find -regex takes (unmatched \\()"
        )
        expectBad(
            "debFilter = [abc", "", "",
            "for 'debFilter' in [settings]: expected an emacs-style regular expression as find -regex takes (unmatched [)"
        )
        expectBad(
            "snippets = relative/dir", "", "",
            "bad value 'relative/dir' for 'snippets' in [settings]: expected an absolute path")
        expectBad(
            "debugLevel = TRACE", "", "", "bad value 'TRACE' for 'debugLevel' in [settings]: expected DEBUG or INFO")
        expectBad("smtpTLS = sometimes", "", "", "for 'smtpTLS' in [settings]: expected ALWAYS or AUTO or NEVER")
        let negative = sampleConfig(base: base).replacingOccurrences(of: "purgeLimit = 30", with: "purgeLimit = -1")
        #expect(
            message(negative)?.hasSuffix(
                "bad value '-1' for 'purgeLimit' in [maintenance]: expected a whole number from 0 to 36500") == true)
    }

    @Test(arguments: ["mail.example.com", "relay:2525", "[::1]:25", "::1", "10.0.0.1:587"])
    func goodSMTPHosts(host: String) throws {
        #expect(try parse(settings: "smtphost = \(host)").smtpHost == host)
    }

    @Test(arguments: ["relay:0", "relay:smtp", "relay:70000", ":25", "mail example.com", "[::1]x", "smtp://relay"])
    func badSMTPHosts(host: String) {
        let got = message(sampleConfig(base: base, settings: "smtphost = \(host)"))
        #expect(
            got?.hasSuffix(
                "bad value '\(host)' for 'smtphost' in [settings]: expected a host or host:port, such as mail.example.com or mail.example.com:2525"
            ) == true, "\(got ?? "no error")")
    }

    @Test func relativeRequiredPathIsAnError() {
        let text = sampleConfig(base: base).replacingOccurrences(
            of: "kernels = /srv/cas/kernels", with: "kernels = mnt/kernels")
        #expect(
            message(text)
                == "config /etc/cas.conf:2: bad value 'mnt/kernels' for 'kernels' in [settings]: expected an absolute path"
        )
    }

    @Test func indentedLineAfterAPathIsNotSilentlyJoined() {
        let text = sampleConfig(base: base).replacingOccurrences(
            of: "debugs = /srv/cas/debugs", with: "debugs = /srv/cas/debugs\n  workDirectory = /elsewhere")
        #expect(
            message(text)?.hasPrefix(
                "config /etc/cas.conf:3: bad value '/srv/cas/debugs\\nworkDirectory = /elsewhere' for 'debugs'") == true
        )
    }

    @Test func syntaxErrorsBecomeConfigErrorsWithTheFile() {
        #expect(message("[settings\n") == "config /etc/cas.conf:1: malformed section header '[settings'")
        #expect(ConfigError.syntax(path: "x", line: 1, message: "m").exitStatus == .configuration)
    }

    @Test func unknownKeyWarnsWithANearMiss() throws {
        let s = try parse(settings: "stmphost = mail.example.com")
        #expect(s.smtpHost == nil)
        #expect(s.warnings.count == 1)
        #expect(s.warnings.first?.hasPrefix("config /etc/cas.conf:") == true)
        #expect(
            s.warnings.first?.hasSuffix(": unknown key 'stmphost' in [settings] (did you mean 'smtphost'?)") == true)
    }

    @Test func keyInTheWrongSectionSaysWhereItBelongs() throws {
        let s = try parse(settings: "purgeLimit = 5", advanced: "casuser = cas")
        #expect(s.purgeLimit == 30)
        #expect(
            s.warnings.contains { $0.hasSuffix("unknown key 'purgeLimit' in [settings] (it belongs in [maintenance])") }
        )
        #expect(s.warnings.contains { $0.hasSuffix("unknown key 'casuser' in [advanced] (it belongs in [settings])") })
    }

    @Test func unknownSectionAndFarOffKey() throws {
        let text = sampleConfig(base: base, settings: "colour = blue") + "\n[maintanance]\nx = 1\n[DEFAULT]\ny = 2\n"
        let s = try Settings.parse(text, path: path, base: "/default")
        #expect(s.warnings.count == 2)
        #expect(s.warnings.contains { $0.hasSuffix("unknown key 'colour' in [settings]") })
        #expect(s.warnings.contains { $0.hasSuffix("unknown section [maintanance] (did you mean [maintenance]?)") })
    }

    /// A misspelt required key is named with the key it was meant to be (issue 25).
    @Test func aMisspeltRequiredKeyGetsDidYouMean() {
        let text = sampleConfig(base: base).replacingOccurrences(of: "workDirectory", with: "workDirectroy")
        let missing = message(text) ?? ""
        #expect(missing.contains("missing required key 'workDirectory' in [settings]"), "\(missing)")
        #expect(missing.contains("has 'workDirectroy': did you mean 'workDirectory'?"), "\(missing)")
        let renamed = sampleConfig(base: base).replacingOccurrences(of: "[settings]", with: "[setings]")
        #expect(message(renamed)?.contains("unknown section [setings] holds ") == true, "\(message(renamed) ?? "")")
        #expect(message(renamed)?.contains("(did you mean [settings]?)") == true)
        let moved = sampleConfig(base: base, advanced: "workDirectory = /w").replacingOccurrences(of: "workDirectory = \(base)", with: "#")
        #expect(message(moved)?.contains("sets it in [advanced]; it belongs in [settings]") == true, "\(message(moved) ?? "")")
    }

    /// A misspelt section holding known keys is an error: its values would otherwise fall back in silence.
    @Test func anUnknownSectionHoldingKnownKeysIsAnError() {
        let text = sampleConfig(base: base) + "\n[maintainance]\npurgeLimit = 5\n"
        let error = message(text) ?? ""
        #expect(error.hasPrefix("config /etc/cas.conf:"), "\(error)")
        #expect(
            error.hasSuffix(
                "unknown section [maintainance] holds 'purgeLimit' (did you mean [maintenance]?); its keys would be ignored"),
            "\(error)")
    }
}

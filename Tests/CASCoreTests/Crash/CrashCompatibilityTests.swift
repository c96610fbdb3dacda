import Testing

@testable import CASCore

@Suite("Crash compatibility")
struct CrashCompatibilityTests {
    func fixes(_ crash: String, _ kernel: String) -> [String] {
        CrashCompatibility.problems(crashVersion: crash, kernelRelease: kernel).map(\.fixedIn)
    }

    @Test func mapleTreeNeedsCrash803() {
        #expect(fixes("8.0.2", "6.1.0-13-amd64") == ["8.0.3"])
        #expect(fixes("8.0.2", "6.1-rc1") == ["8.0.3"])
        #expect(fixes("7.3.2", "6.0.19-200.fc36.x86_64").isEmpty, "6.0 still has the VMA list")
        #expect(fixes("8.0.3", "6.1.0-13-amd64").isEmpty)
        #expect(fixes("8.0.2", "5.14.0-362.el9.x86_64").isEmpty)
    }

    @Test func upidArrayNeedsCrash804() {
        // 6.5 and later: both changes.
        #expect(fixes("8.0.2", "6.5.0-1-amd64") == ["8.0.3", "8.0.4"])
        #expect(fixes("8.0.3", "6.8.0-45-generic") == ["8.0.4"])
        #expect(fixes("8.0.4", "6.8.0-45-generic").isEmpty)
        #expect(fixes("9.0.0", "6.12.1").isEmpty)
        // The 6.1 stable series carries it from 6.1.112.
        #expect(fixes("8.0.3", "6.1.111-1.el9.x86_64").isEmpty)
        #expect(fixes("8.0.3", "6.1.112").map { $0 } == ["8.0.4"])
        #expect(fixes("8.0.2", "6.1.192-tiny-pidfix") == ["8.0.3", "8.0.4"])
        // Not in 6.2–6.4.
        #expect(fixes("8.0.3", "6.4.16").isEmpty)
    }

    @Test func unreadableVersionsClaimNothing() {
        #expect(fixes("", "6.8.0").isEmpty)
        #expect(fixes("unknown", "6.8.0").isEmpty)
        #expect(fixes("8.0.2", "").isEmpty)
        #expect(fixes("8.0.2", "linux").isEmpty)
        #expect(fixes("8.0.2", "6").isEmpty, "a release needs at least major.minor")
        #expect(fixes("8.0.2", "99999999999999999999999.1").isEmpty, "a number too large to read claims nothing, no trap")
        #expect(fixes("8.0.4++", "6.8.0").isEmpty, "a development build's suffix is ignored")
    }

    @Test func descriptionNamesVersionsAndWhatToInstall() throws {
        let problem = try #require(
            CrashCompatibility.problems(crashVersion: "8.0.3", kernelRelease: "6.5.0").first)
        let line = problem.description(crashVersion: "8.0.3")
        #expect(line.hasPrefix("crash 8.0.3 cannot follow the `struct upid numbers[]` flexible array of struct pid"))
        #expect(line.contains("not found in PID hash"))
        #expect(line.hasSuffix("install crash 8.0.4 or later"))
    }
}

import CASTestSupport
import Foundation
import Testing

@testable import CASCore

/// `rpmFilter`/`debFilter` keep the original meaning: emacs regex, whole path, case-insensitive (`find -iregex`).
@Suite("find -iregex patterns")
struct FindRegexTests {
    let rpm = try! FindRegex(Settings.defaultRPMFilter)
    let deb = try! FindRegex(Settings.defaultDebFilter)

    @Test(arguments: [
        "/mnt/kernels/el9/kernel-debuginfo-5.14.0-70.13.1.el9_0.x86_64.rpm",
        "/mnt/kernels/el9/kernel-rt-debuginfo-5.14.0-70.13.1.rt21.83.el9_0.x86_64.rpm",
        "/mnt/kernels/KERNEL-DEBUGINFO-2.6.18-8.EL.I686.RPM",
        "./kernel-PAE-debuginfo-2.6.18-8.el5.i686.rpm",
    ])
    func defaultRPMFilterMatches(path: String) {
        #expect(rpm.matches(path))
    }

    @Test(arguments: [
        "/mnt/kernels/el9/kernel-debuginfo-common-x86_64-5.14.0-70.13.1.el9_0.x86_64.rpm",
        "/mnt/kernels/el9/kernel-5.14.0-70.13.1.el9_0.x86_64.rpm",
        "/mnt/kernels/el9/kernel-debuginfo-5.14.0-70.13.1.el9_0.x86_64.rpm.sha256",
        "/mnt/kernels/el9/kernel-debuginfo-5.14.0-70.13.1.el9_0.src.rpm/../x",
    ])
    func defaultRPMFilterRejects(path: String) {
        #expect(!rpm.matches(path))
    }

    @Test func debFilter() {
        #expect(deb.matches("/mnt/kernels/ubuntu/linux-image-unsigned-6.8.0-45-generic-dbgsym_6.8.0-45.45_amd64.ddeb"))
        #expect(deb.matches("/mnt/kernels/debian/linux-image-6.1.0-26-amd64-dbg_6.1.112-1_amd64.deb"))
        #expect(!deb.matches("/mnt/kernels/debian/linux-image-6.1.0-26-amd64_6.1.112-1_amd64.deb"))
        #expect(!deb.matches("/mnt/kernels/debian/linux-headers-6.1.0-26-amd64-dbg_6.1.112-1_amd64.deb"))
    }

    @Test func matchIsWholePathNotSubstring() throws {
        let r = try FindRegex("kernel.*\\.rpm")
        #expect(!r.matches("/mnt/kernel-1.rpm"))
        #expect(r.matches("KERNEL-1.RPM"))
    }

    @Test(
        arguments: [
            ("\\(a\\|b\\)c", "(?:a|b)c", ["ac", "bc"], ["(a|b)c", "c"]),
            ("(a|b)", "", ["(a|b)"], ["a", "b"]),
            ("a{2}", "", ["a{2}"], ["aa"]),
            ("a\\{2\\}", "", ["a{2}"], ["aa"]),
            ("x^y$z", "", ["x^y$z"], []),
            ("^ab$", "", ["ab"], []),
            ("*x", "", ["*x"], ["x", "xx"]),
            ("\\(+\\)", "", ["+"], [""]),
            ("ab+?", "", ["a", "ab", "abb"], ["b"]),
            ("ab*+c", "", ["ac", "abbc"], ["abd"]),
            ("[]a]+", "", ["]", "a]a"], ["b"]),
            ("[^]a]", "", ["b", "-"], ["]", "a"]),
            ("a[\\]b", "", ["a\\b"], ["a]b", "ab"]),
            ("[[:alpha:]]", "", ["[]", "a]", ":]"], ["b", "q"]),
            ("[a-c-]x", "", ["bx", "-x"], ["dx"]),
            ("[z-a]", "", [], ["b", "z", "a"]),
            ("\\(ab\\)\\1", "", ["abab", "ABab"], ["ab", "abba"]),
            ("a\\wc", "", ["abc", "a_c"], ["a-c"]),
            ("\\`x\\'", "", ["x"], ["xx"]),
        ] as [(String, String, [String], [String])])
    func emacsSyntax(pattern: String, unused: String, matching: [String], notMatching: [String]) throws {
        let r = try FindRegex(pattern)
        for path in matching { #expect(r.matches(path), "\(pattern) should match \(path)") }
        for path in notMatching { #expect(!r.matches(path), "\(pattern) should not match \(path)") }
    }

    @Test(arguments: [
        ("\\(a", "unmatched \\("), ("a\\)", "unmatched \\)"), ("[ab", "unmatched ["), ("ab\\", "trailing backslash"),
        ("\\(a\\)\\2", "not a valid regular expression"),
    ])
    func invalidPatterns(pattern: String, reason: String) {
        #expect(throws: FindRegex.Invalid(reason: reason)) { try FindRegex(pattern) }
    }

    /// The same answers as the real `find -regextype emacs -iregex` on a temporary tree.
    @Test func agreesWithRealFind() async throws {
        guard let find = findExecutable("find") else {
            Issue.record("find is not installed")
            return
        }
        let tmp = TempDirectory("cas-findregex")
        let names = [
            "kernel-debuginfo-5.14.0-70.13.1.el9_0.x86_64.rpm",
            "kernel-rt-debuginfo-5.14.0-70.13.1.rt21.83.el9_0.x86_64.rpm",
            "kernel-debuginfo-common-x86_64-5.14.0-70.13.1.el9_0.x86_64.rpm",
            "Kernel-Debuginfo-2.6.18-8.EL.i686.RPM",
            "linux-image-unsigned-6.8.0-45-generic-dbgsym_6.8.0-45.45_amd64.ddeb",
            "linux-image-6.1.0-26-amd64-dbg_6.1.112-1_amd64.deb",
            "linux-image-6.1.0-26-amd64_6.1.112-1_amd64.deb",
            "a(b)", "a{2}", "aa", "a|b", "x^y", "x$y", "*x", "+", "ab", "abb", "a", "]a", "a\\b", "abab", "a]x", "b",
            "q",
        ]
        for name in names { _ = try tmp.write("pool/" + name, "") }
        let patterns = [
            Settings.defaultRPMFilter, Settings.defaultDebFilter, ".*/a(b)", ".*/a{2}", ".*/a\\{2\\}",
            ".*/a\\|.*/b", ".*/\\(a\\|b\\)", ".*/x^y", ".*/x\\(^y\\)", ".*/x$y", ".*\\(/*x\\)", ".*/ab+?", ".*/ab*+",
            ".*/[]a]+", ".*/[^]a/.]", ".*/a[\\]b", ".*/[[:alpha:]]x", ".*/\\(ab\\)\\1", ".*/a\\wb", ".*/[z-a]",
            ".*/\\(+\\)", ".*kernel-\\(rt-\\)?debuginfo-[0-9].*", ".*/\\<ab\\>", ".*/KERNEL.*RPM",
        ]
        for pattern in patterns {
            let result = try await Command(
                find,
                [tmp.path + "/pool", "-mindepth", "1", "-regextype", "emacs", "-iregex", pattern, "-printf", "%f\\n"]
            ).run()
            #expect(result.succeeded, "find failed on \(pattern): \(result.standardError)")
            let byFind = Set(result.standardOutput.split(separator: "\n").map(String.init))
            let regex = try FindRegex(pattern)
            let ours = Set(names.filter { regex.matches(tmp.path + "/pool/" + $0) })
            #expect(ours == byFind, "pattern \(pattern): find matched \(byFind.sorted()), we matched \(ours.sorted())")
        }
    }
}

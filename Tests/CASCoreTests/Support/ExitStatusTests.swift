import CASTestSupport
import Foundation
import Testing

@testable import CASCore

@Suite("Exit status")
struct ExitStatusTests {
    @Test func valuesAreDistinctAndUsageIs64() {
        #expect(Set(ExitStatus.allCases.map(\.rawValue)).count == ExitStatus.allCases.count)
        #expect(ExitStatus.usage.rawValue == 64)
        #expect(ExitStatus.configuration.rawValue == 78)
        #expect(ConfigError.unreadable(path: "/x", reason: "r").exitStatus == .configuration)
    }

    @Test func readmeTableMatchesTheCode() throws {
        let readme = try String(contentsOfFile: TestTools.packageRoot + "/README.md", encoding: .utf8)
        for status in ExitStatus.allCases {
            #expect(
                readme.contains("| \(status.rawValue) | \(status.meaning) |"),
                "README lacks exit status \(status.rawValue)")
        }
    }

    @Test func suggestionsForNearMisses() {
        #expect(Suggest.nearest("stmphost", in: ["smtphost", "kernels"]) == "smtphost")
        #expect(Suggest.nearest("workdirectroy", in: ["workDirectory", "debugs"]) == "workDirectory")
        #expect(Suggest.nearest("colour", in: ["smtphost", "kernels"]) == nil)
        // Optimal string alignment distance, rolling rows: substitutions, insertions, adjacent swaps.
        #expect(Suggest.distance("kitten", "sitting") == 3)
        #expect(Suggest.distance("ab", "ba") == 1)
        #expect(Suggest.distance("ca", "abc") == 3)
        #expect(Suggest.distance("", "abc") == 3 && Suggest.distance("abc", "") == 3)
        #expect(Suggest.distance("smtphost", "stmphost") == 1)
        // A long near-miss is still found; a name far longer than any candidate is not compared at all.
        #expect(Suggest.nearest("maxexpansionratoi", in: ["maxExpansionRatio", "maxUnpackSize"]) == "maxExpansionRatio")
        #expect(Suggest.nearest(String(repeating: "x", count: 100_000), in: ["smtphost"]) == nil)
    }

    @Test func caseIDs() {
        #expect(CaseID.problem("01234567") == nil)
        #expect(CaseID.problem("a.b_c-D") == nil)
        #expect(CaseID.problem("") == "the ID is empty")
        #expect(CaseID.problem("..") != nil)
        #expect(CaseID.problem("a/../x")?.contains("'/'") == true)
        // An ID is a directory name and may reach a command line: it starts with a letter or a digit.
        #expect(CaseID.problem("-rf")?.contains("must start with a letter or a digit") == true)
        #expect(CaseID.problem(".hidden")?.contains("must start with a letter or a digit") == true)
        #expect(CaseID.problem("_x") != nil)
        #expect(CaseID.problem("a\u{1}b")?.contains("U+0001") == true)
        #expect(CaseID.problem(String(repeating: "x", count: 129)) != nil)
        #expect(CaseID.problem(String(repeating: "é", count: 65)) != nil)
    }
}

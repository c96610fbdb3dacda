import CASCore
import CASTestSupport
import Foundation
import Testing

/// Usage errors and help of the built binaries: exit 64 with one line saying what is wrong.
@Suite("Usage, end to end")
struct UsageEndToEndTests {
    let tmp = CLITempDirectory()

    @Test(arguments: [
        ("cas", ["-i", "../x", "-f", "dump"], "bad -i: the ID starts with '.'; it must start with a letter or a digit"),
        ("cas", ["-i", "a/x", "-f", "dump"], "bad -i: the ID 'a/x' contains '/'"),
        ("cas", ["-i", "", "-f", "dump"], "bad -i: the ID is empty"),
        ("cas", ["-i", String(repeating: "9", count: 200), "-f", "dump"], "the ID is 200 bytes long; at most 128"),
        ("cas", [], "missing -i ID"),
        ("cas-admin", ["-b", "-s"], "choose one of -b, -s and -p"),
        ("cas-admin", ["-d", "30"], "-d/--days goes with -p/--purge"),
        ("cas-admin", ["purge", "--days=-3"], "-d/--days must be 0 or more"),
        ("cas-admin", ["-p", "-d", "soon"], "The value 'soon' is invalid for '-d <days>'"),
        ("cas-admin", ["list", "packages"], "packages"),
    ])
    func usageErrors(tool: String, arguments: [String], message: String) async throws {
        let result = try await BuiltTool.run(tool, arguments, environment: tmp.environment)
        #expect(result.status == 64)
        #expect(result.standardError.contains(message), "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
    }

    @Test func identifyIsNotBlockedByTheJobOptions() async throws {
        let result = try await BuiltTool.run("cas", ["identify", "/dev/null"], environment: tmp.environment)
        #expect(result.status != 64, "\(result.standardError)")
        #expect(!result.standardError.contains("missing -i"))
    }

    @Test(arguments: ["cas", "cas-admin"])
    func helpExplainsLookupOrderAndExitStatuses(tool: String) async throws {
        let result = try await BuiltTool.run(tool, ["--help"], environment: tmp.environment)
        #expect(result.status == 0)
        let help = result.standardOutput
        #expect(help.contains("$CAS_CONFIG"))
        #expect(help.contains("/etc/cas.conf"))
        for status in ExitStatus.allCases {
            #expect(
                help.contains("\(status.rawValue)   \(status.meaning)")
                    || help.contains("\(status.rawValue)    \(status.meaning)"))
        }
        #expect(help.contains("--config"))
    }
}

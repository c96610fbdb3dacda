import CASCore
import CASTestSupport
import Foundation
import Testing

/// Inputs the fuzzer (`make fuzz`) flagged, replayed through the same entry points.
struct FuzzRegressionTests {
    static let root = TestTools.packageRoot + "/Tests/Fuzz/regressions"

    static func inputs(_ target: String) -> [String] {
        let dir = root + "/" + target
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted().map { dir + "/" + $0 }
    }

    /// An invalid find regex in a config (the fuzzer's leak report came from NSRegularExpression rejecting it):
    /// a clear ConfigError naming the file, never a crash.
    @Test func iniInputsGiveAConfigErrorOrSettings() throws {
        let files = Self.inputs("ini")
        #expect(!files.isEmpty)
        for file in files {
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self)
            do {
                _ = try Settings.parse(text, path: "/fuzz/cas.conf", base: "/fuzz")
            } catch {
                #expect(error.description.contains("/fuzz/cas.conf"), "\(error.description)")
            }
        }
    }
}

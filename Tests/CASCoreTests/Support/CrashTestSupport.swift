import CASTestSupport
import Foundation
import Testing

@testable import CASCore

/// Shared helpers for the Crash tests: the decompressed fixture, small scripts.
enum CrashTestSupport {
    /// Writes an executable script and returns its path.
    @discardableResult
    static func writeScript(_ path: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    /// The real crash binary, or nil (the test then says so and is skipped).
    static let crashBinary: String? = findExecutable("crash")

    /// `<fixture>/<name>.xz` decompressed once per test process; returns the path of the plain file.
    static func fixture(_ name: String) throws -> String { try Fixtures.path(name) }

    static func read(_ directory: String, _ name: String) -> String {
        (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)) ?? ""
    }
}

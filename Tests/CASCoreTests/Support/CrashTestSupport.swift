import CASTestSupport
import Foundation
import Testing

@testable import CASCore

/// Shared helpers for the Crash tests: temporary directories, the decompressed fixture, small scripts.
enum CrashTestSupport {
    /// The package root (walking up from this file to Package.swift).
    static let packageRoot: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        fatalError("no Package.swift above \(#filePath)")
    }()

    static let fixtureDirectory = packageRoot.appendingPathComponent("../shared/fixtures/kernel-6.1.192-tiny")
        .standardizedFileURL.path

    /// A new empty directory under the system temporary directory.
    static func temporaryDirectory(_ label: String = "cas-crash") throws -> String {
        let path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes an executable script and returns its path.
    @discardableResult
    static func writeScript(_ path: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    /// The real crash binary, or nil (the test then says so and is skipped).
    static let crashBinary: String? = findExecutable("crash")

    private static let lock = NSLock()
    nonisolated(unsafe) private static var decompressed: [String: String] = [:]
    static let cacheDirectory = NSTemporaryDirectory() + "cas-crash-fixture-\(getpid())"

    /// `<fixture>/<name>.xz` decompressed once per test process; returns the path of the plain file.
    static func fixture(_ name: String) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let path = decompressed[name] { return path }
        if decompressed.isEmpty {
            // The decompressed fixture (tens of MB) goes when the test process exits.
            atexit { try? FileManager.default.removeItem(atPath: CrashTestSupport.cacheDirectory) }
        }
        try FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
        let path = cacheDirectory + "/" + name
        let source = fixtureDirectory + "/" + name + ".xz"
        let status = try runXZ(source: source, destination: path)
        guard status == 0 else { throw FixtureError(message: "xz -dc \(source) failed with status \(status)") }
        decompressed[name] = path
        return path
    }

    private static func runXZ(source: String, destination: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: findExecutable("xz") ?? "/usr/bin/xz")
        process.arguments = ["-dc", source]
        _ = FileManager.default.createFile(atPath: destination, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: destination))
        defer { try? handle.close() }
        process.standardOutput = handle
        try process.run()
        process.waitUntilExitReliably()
        return process.reliableTerminationStatus
    }

    struct FixtureError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static func read(_ directory: String, _ name: String) -> String {
        (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)) ?? ""
    }
}

import Foundation

/// A fresh directory under the system temporary directory, private to the test user (`mkdtemp`, mode 0700),
/// removed when the value goes.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "cas-test") {
        let template = (NSTemporaryDirectory() as NSString).appendingPathComponent("\(label).XXXXXX")
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { fatalError("mkdtemp failed for \(template)") }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A fresh directory `<label>-<8 hex digits>` (short: job paths below it stay short) that stays (trees
    /// shared by a suite, or removed by the caller), with the umask's mode (0755), so a casuser the test
    /// switches to can enter it; its path.
    public static func make(_ label: String = "cas-test") throws -> String {
        while true {
            let path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString.prefix(8).lowercased())"
            if mkdir(path, 0o777) == 0 { return path }
            guard errno == EEXIST else { throw TestFailure("mkdir \(path): errno \(errno)") }
        }
    }

    /// `path/name`.
    public func appending(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to `name` (creating parent directories) and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let file = appending(name)
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Creates directory `name` (and parents) and returns its path.
    @discardableResult
    public func makeDirectory(_ name: String) throws -> String {
        let dir = appending(name)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// The former name of ``TemporaryDirectory``.
public typealias TempDirectory = TemporaryDirectory

/// A fresh directory that stays, as a URL (see ``TemporaryDirectory/make(_:)``).
public func makeTemporaryDirectory(_ prefix: String) throws -> URL {
    URL(fileURLWithPath: try TemporaryDirectory.make(prefix))
}

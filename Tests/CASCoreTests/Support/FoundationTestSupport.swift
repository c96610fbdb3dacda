import Foundation

/// A fresh directory under the system temp directory, removed when the value is dropped by the test.
final class TempDirectory: @unchecked Sendable {
    let path: String

    init(_ label: String = "cas-test") {
        let template = (NSTemporaryDirectory() as NSString).appendingPathComponent("\(label).XXXXXX")
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { fatalError("mkdtemp failed for \(template)") }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `path/name`.
    func appending(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to `name` (creating parent directories) and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = appending(name)
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Creates directory `name` (and parents) and returns its path.
    @discardableResult
    func makeDirectory(_ name: String) throws -> String {
        let dir = appending(name)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// A complete, valid configuration rooted at `base`, with `extra` lines appended to the sections named.
func sampleConfig(base: String, settings: String = "", maintenance: String = "", advanced: String = "") -> String {
    """
    [settings]
    kernels = \(base)/kernels
    debugs = \(base)/debugs
    workDirectory = \(base)/work
    database = \(base)/db/cas.db
    \(settings)
    [maintenance]
    purgeLimit = 30
    \(maintenance)
    [advanced]
    \(advanced)
    """
}

import Foundation

/// Running the real tools tests build their inputs with (tar, gzip, python3, …); the programs themselves
/// run through ``Spawned`` (see RunProgram.swift).
public enum TestTools {
    /// The checkout's root: the nearest directory above this file holding Package.swift.
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.path + "/Package.swift") { return url.path }
        }
        fatalError("package root not found")
    }()

    /// The kit's failure under its former name.
    public typealias Failure = TestFailure
}

import Foundation

/// Running the real tools tests build their inputs with (tar, gzip, python3, …).
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

    /// A tool that exited non-zero: the command line and everything it printed.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `program` (a path, or a name looked up on PATH) with `arguments`, no shell, in `directory`;
    /// returns standard output and error together, and throws them when it exits non-zero.
    @discardableResult
    public static func run(_ program: String, _ arguments: [String], in directory: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : "/usr/bin/env")
        process.arguments = program.hasPrefix("/") ? arguments : [program] + arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExitReliably()
        let text = String(decoding: data, as: UTF8.self)
        guard process.reliableTerminationStatus == 0 else {
            throw Failure(description: "\(program) \(arguments.joined(separator: " ")): \(text)")
        }
        return text
    }
}

import CASTestSupport
import Foundation

/// A clean clone of this checkout's HEAD in a temporary directory, with `shared` beside it pointing at
/// the real ../shared, on which `make demo` has run once (per test process).
struct DemoClone: Sendable {
    var base: String
    var root: String
    var demoOutput: String

    private static let lock = NSLock()
    nonisolated(unsafe) private static var made: Result<DemoClone, TestFailure>?
    /// The temporary clone (a few hundred MB with its build), removed when the test process exits.
    nonisolated(unsafe) private static var toRemove: String?

    static var packageRoot: String { TestTools.packageRoot }

    /// Clones, links `shared`, runs `make demo` (once; later callers get the same clone and output).
    static func shared() throws -> DemoClone {
        lock.lock()
        defer { lock.unlock() }
        if made == nil {
            do { made = .success(try make()) } catch { made = .failure(error) }
        }
        return try made!.get()
    }

    private static func make() throws(TestFailure) -> DemoClone {
        let shared = URL(fileURLWithPath: packageRoot + "/../shared").standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: shared + "/fixtures") else {
            throw TestFailure("no \(shared)/fixtures beside the checkout")
        }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("cas-demo-\(UUID().uuidString)").path
        let root = base + "/cas"
        do {
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
            toRemove = base
            atexit { if let base = DemoClone.toRemove { try? FileManager.default.removeItem(atPath: base) } }
            try FileManager.default.createSymbolicLink(atPath: base + "/shared", withDestinationPath: shared)
            try sh("git clone -q \"$0\" \"$1\"", packageRoot, root)
            let output = try sh("make -C \"$0\" demo 2>&1", root)
            return DemoClone(base: base, root: root, demoOutput: output)
        } catch let failure as TestFailure {
            throw failure
        } catch {
            throw TestFailure("setting up \(base): \(error)")
        }
    }

    /// Runs a shell line with positional arguments ($0, $1, …), never interpolating them; its output
    /// goes through a file (no pipe to fill). Throws with the output when it fails.
    @discardableResult
    static func sh(_ script: String, _ arguments: String...) throws(TestFailure) -> String {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("cas-demo-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script] + arguments
        do {
            guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
                throw TestFailure("cannot create \(log.path)")
            }
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExitReliably()
            try handle.close()
        } catch {
            throw TestFailure("sh -c \(script): \(error)")
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        guard process.reliableTerminationStatus == 0 else {
            throw TestFailure("sh -c \(script) \(arguments) exited \(process.reliableTerminationStatus):\n\(output.suffix(3000))")
        }
        return output
    }
}

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
        let shared = URL(fileURLWithPath: TestTools.packageRoot + "/../shared").standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: shared + "/fixtures") else {
            throw TestFailure("no \(shared)/fixtures beside the checkout")
        }
        do {
            let base = try TemporaryDirectory.make("cas-demo")
            let root = base + "/cas"
            toRemove = base
            atexit { if let base = DemoClone.toRemove { try? FileManager.default.removeItem(atPath: base) } }
            try FileManager.default.createSymbolicLink(atPath: base + "/shared", withDestinationPath: shared)
            try TestTools.sh("git clone -q \"$0\" \"$1\"", TestTools.packageRoot, root)
            let output = try TestTools.sh("make -C \"$0\" demo 2>&1", root)
            return DemoClone(base: base, root: root, demoOutput: output)
        } catch let failure as TestFailure {
            throw failure
        } catch {
            throw TestFailure("setting up the demo clone: \(error)")
        }
    }
}

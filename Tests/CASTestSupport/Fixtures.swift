import Foundation

/// The real dumps and kernel files in ../shared/fixtures (beside the checkout), decompressed once per test
/// process into a temporary directory (never into the source tree) that goes when the process exits.
public enum Fixtures {
    /// The tiny kernel's set: vmlinux, crashfix.ko, the dump in four formats, crash-reference.out.
    public static let directory = URL(fileURLWithPath: TestTools.packageRoot + "/../shared/fixtures/kernel-6.1.192-tiny")
        .standardizedFileURL.path
    /// The crash-classes set (another kernel, one dump per crash class, truth.json).
    public static let classesDirectory = URL(
        fileURLWithPath: TestTools.packageRoot + "/../shared/fixtures/crash-classes-6.1.192-tiny"
    ).standardizedFileURL.path

    /// What the tiny kernel's files say of themselves.
    public static let release = "6.1.192-tiny-pidfix"
    public static let version = "#1 SMP Wed Jan  1 00:00:00 UTC 2025"
    public static let buildId = "08874375e749a8381d73fd31b60f5b1eeae9ac3b"
    public static let banner =
        "Linux version 6.1.192-tiny-pidfix (ci@tiny-vmcore) (gcc (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP Wed Jan  1 00:00:00 UTC 2025"

    private static let lock = NSLock()
    nonisolated(unsafe) private static var decompressed: [String: String] = [:]
    private static let cache = NSTemporaryDirectory() + "cas-fixtures-\(getpid())"

    /// The plain file of `<name>.xz` (e.g. "vmcore.elf", "vmlinux"; with `classes`, of the crash-classes
    /// set, e.g. "null.kdump-d31"), decompressed on first use. Shared by every test: read it, link or copy
    /// it, never change it.
    public static func path(_ name: String, classes: Bool = false) throws -> String {
        try lock.withLock {
            let key = (classes ? "classes-" : "") + name
            if let path = decompressed[key] { return path }
            if decompressed.isEmpty {
                try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
                atexit { try? FileManager.default.removeItem(atPath: Fixtures.cache) }
            }
            let source = (classes ? classesDirectory : directory) + "/" + name + ".xz"
            let path = cache + "/" + key
            let result = try TestTools.execute("xz", ["-dc", source], stdout: path)
            guard result.status == 0 else { throw TestFailure("xz -dc \(source): \(result.stderr)") }
            decompressed[key] = path
            return path
        }
    }

    /// A private copy of the decompressed `name` at `destination` (a test that changes or hands over the file).
    public static func copy(_ name: String, classes: Bool = false, to destination: String) throws {
        try FileManager.default.copyItem(atPath: try path(name, classes: classes), toPath: destination)
    }
}

extension Fixtures {
    nonisolated(unsafe) private static var packages: [String: String] = [:]
    private static let packageLock = NSLock()

    /// A kernel package of the fixture's vmlinux and crashfix.ko made by Scripts/make-kernel-package with
    /// the real tools (`kind` rpm or deb, `compression` of its payload, `ddeb` for a Debian .ddeb name),
    /// made once per test process; its path. Shared: link or copy it, never change it.
    public static func kernelPackage(_ kind: String, compression: String, release: String = release, ddeb: Bool = false)
        throws -> String
    {
        let vmlinux = try path("vmlinux")
        let ko = try path("crashfix.ko")
        return try packageLock.withLock {
            let key = "\(kind)-\(compression)-\(release)-\(ddeb)"
            if let path = packages[key] { return path }
            var arguments = [kind, vmlinux, ko, release, compression, cache + "/packages/" + key]
            if ddeb { arguments.append("ddeb") }
            let result = try TestTools.execute(TestTools.packageRoot + "/Scripts/make-kernel-package", arguments)
            guard result.status == 0 else {
                throw TestFailure("make-kernel-package \(arguments.joined(separator: " ")): \(result.stderr)")
            }
            let path = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            packages[key] = path
            return path
        }
    }
}

import CASCore
import Foundation

/// The real dumps of ../shared/fixtures/kernel-6.1.192-tiny, decompressed once per test process into a
/// temporary directory (never into the source tree).
actor DumpFixtures {
    static let shared = DumpFixtures()
    static let release = "6.1.192-tiny-pidfix"
    static let version = "#1 SMP Wed Jan  1 00:00:00 UTC 2025"
    static let buildId = "08874375e749a8381d73fd31b60f5b1eeae9ac3b"
    static let dumps = ["vmcore.elf", "vmcore.kdump-zlib", "vmcore.kdump-d31", "vmcore.flat"]

    private var tasks: [String: Task<String, any Error>] = [:]
    private let directory: URL = FileManager.default.temporaryDirectory
        .appendingPathComponent("cas-dump-fixtures-\(getpid())", isDirectory: true)

    /// The fixture directory: up from this file to the package root, then ../shared/fixtures.
    static var sourceDirectory: URL {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/"
            && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path)
        {
            url.deleteLastPathComponent()
        }
        return url.deletingLastPathComponent().appendingPathComponent("shared/fixtures/kernel-6.1.192-tiny")
    }

    /// The crash-classes dumps (another kernel, one dump per crash class), beside `sourceDirectory`.
    static var classesDirectory: URL {
        sourceDirectory.deletingLastPathComponent().appendingPathComponent("crash-classes-6.1.192-tiny")
    }
    static let classes = [
        "bug", "divzero", "gpf", "hungtask", "listcorrupt", "null", "oom", "panic", "softlockup", "stackoverflow",
        "warn",
    ]

    /// Path of the decompressed fixture `name` (e.g. "vmcore.elf"); `classes`: of the crash-classes set
    /// (e.g. "null.kdump-d31", "vmlinux").
    func path(_ name: String, classes: Bool = false) async throws -> String {
        let key = (classes ? "classes-" : "") + name
        if let task = tasks[key] { return try await task.value }
        let source = (classes ? Self.classesDirectory : Self.sourceDirectory)
            .appendingPathComponent(name + ".xz").path
        let destination = directory.appendingPathComponent(key).path
        let directory = self.directory
        let task = Task<String, any Error> {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let result = try await Command("xz", ["-dc", source], output: .file(destination)).run()
            guard result.succeeded else { throw FixtureError(text: "xz -dc \(source): \(result.summary)") }
            return destination
        }
        tasks[key] = task
        return try await task.value
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var text: String
    var description: String { text }
}

/// A ``ByteSource`` over bytes in memory, for the byte-level fixtures.
final class MemoryByteSource: ByteSource {
    let bytes: [UInt8]
    let knownSize: Bool

    init(_ bytes: [UInt8], knownSize: Bool = true) {
        self.bytes = bytes
        self.knownSize = knownSize
    }

    var size: Int64? { knownSize ? Int64(bytes.count) : nil }

    func read(at offset: Int64, count: Int) throws(ByteSourceError) -> [UInt8] {
        guard offset >= 0, count > 0, offset < Int64(bytes.count) else { return [] }
        let start = Int(offset)
        return Array(bytes[start..<min(bytes.count, start + count)])
    }
}

/// Builds binary test data field by field in one byte order.
struct ByteBuilder {
    var bytes: [UInt8] = []
    var bigEndian = false

    init(bigEndian: Bool = false) { self.bigEndian = bigEndian }

    mutating func put(_ value: UInt64, width: Int, at offset: Int) {
        grow(to: offset + width)
        for index in 0..<width {
            let shift = UInt64(8 * (bigEndian ? width - 1 - index : index))
            bytes[offset + index] = UInt8(truncatingIfNeeded: value >> shift)
        }
    }

    mutating func put(_ data: [UInt8], at offset: Int) {
        grow(to: offset + data.count)
        bytes.replaceSubrange(offset..<offset + data.count, with: data)
    }

    mutating func put(_ text: String, at offset: Int) { put(Array(text.utf8), at: offset) }

    mutating func grow(to count: Int) {
        if bytes.count < count { bytes += [UInt8](repeating: 0, count: count - bytes.count) }
    }
}

/// Identifies in-memory bytes the way the pipeline does.
func identifyBytes(_ bytes: [UInt8], bufferSize: Int64 = 64 << 20, knownSize: Bool = true) throws(DumpError)
    -> KernelIdentity
{
    try DumpIdentifier.identify(MemoryByteSource(bytes, knownSize: knownSize), name: "test", bufferSize: bufferSize)
}

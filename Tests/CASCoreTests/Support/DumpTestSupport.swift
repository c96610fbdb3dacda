import CASCore
import CASTestSupport
import Foundation

/// The Dump tests' names for the real dumps of ../shared/fixtures (decompressed by the kit's ``Fixtures``).
actor DumpFixtures {
    static let shared = DumpFixtures()
    static let release = Fixtures.release
    static let version = Fixtures.version
    static let buildId = Fixtures.buildId
    static let dumps = ["vmcore.elf", "vmcore.kdump-zlib", "vmcore.kdump-d31", "vmcore.flat"]
    static let classes = [
        "bug", "divzero", "gpf", "hungtask", "listcorrupt", "null", "oom", "panic", "softlockup", "stackoverflow",
        "warn",
    ]

    /// ``Fixtures/path(_:classes:)`` under its former name.
    func path(_ name: String, classes: Bool = false) throws -> String { try Fixtures.path(name, classes: classes) }
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

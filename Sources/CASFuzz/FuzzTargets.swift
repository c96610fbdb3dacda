import CASCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The parsers the fuzzer can drive, by name (`CAS_FUZZ_TARGET`, default `dump`). Other parsers
/// (INI, RPM, deb/ar) add an entry here.
enum FuzzTargets {
    static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "dump": fuzzDump
    ]

    static let selected: @Sendable ([UInt8]) -> Void = {
        let name = getenv("CAS_FUZZ_TARGET").map { String(cString: $0) } ?? "dump"
        guard let target = all[name] else {
            print("CAS_FUZZ_TARGET=\(name) is not one of: \(all.keys.sorted().joined(separator: ", "))")
            exit(2)
        }
        return target
    }()

    /// Dump headers: format sniffing and identification, over a file (size known) and a stream (size unknown).
    static func fuzzDump(_ bytes: [UInt8]) {
        _ = DumpFormat.sniff(Array(bytes.prefix(DumpFormat.sniffLength)))
        for knownSize in [true, false] {
            let source = MemoryByteSource(bytes, knownSize: knownSize)
            do {
                let identity = try DumpIdentifier.identify(source, name: "fuzz", bufferSize: 1 << 16)
                precondition(identity.release != nil, "identify returned no release")
            } catch {
                precondition(!error.description.isEmpty)
            }
        }
    }
}

/// A ``ByteSource`` over the fuzzer's input.
final class MemoryByteSource: ByteSource {
    let bytes: [UInt8]
    let knownSize: Bool

    init(_ bytes: [UInt8], knownSize: Bool) {
        self.bytes = bytes
        self.knownSize = knownSize
    }

    var size: Int64? { knownSize ? Int64(bytes.count) : nil }

    func read(at offset: Int64, count: Int) throws(ByteSourceError) -> [UInt8] {
        guard offset >= 0, count > 0, offset < Int64(bytes.count) else { return [] }
        let start = Int(offset)
        return Array(bytes[start..<min(bytes.count, start + min(count, bytes.count - start))])
    }
}

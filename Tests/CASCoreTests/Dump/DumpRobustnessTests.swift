import Testing

@testable import CASCore

/// Hostile and broken input: every outcome is a result or a ``DumpError``, never a crash or a hang.
@Suite struct DumpRobustnessTests {
    static let info = Array("OSRELEASE=6.1.0-robust\nBUILD-ID=00ff\n".utf8)
    static let fixtures: [(String, [UInt8])] = [
        ("elf64le", DumpBuilders.elfCore(wide: true, bigEndian: false, machine: 62, notes: [("VMCOREINFO", 0, info)])),
        ("elf64be", DumpBuilders.elfCore(wide: true, bigEndian: true, machine: 22, notes: [("VMCOREINFO", 0, info)])),
        ("elf32le", DumpBuilders.elfCore(wide: false, bigEndian: false, machine: 3, notes: [("VMCOREINFO", 0, info)])),
        (
            "kdump64",
            DumpBuilders.kdump(
                uts: DumpBuilders.uts(release: "6.1.0", machine: "x86_64"),
                vmcoreinfo: String(decoding: info, as: UTF8.self))
        ),
        (
            "kdump32be",
            DumpBuilders.kdump(
                bigEndian: true, wide: false, uts: DumpBuilders.uts(release: "6.1.0", machine: "ppc"),
                vmcoreinfo: String(decoding: info, as: UTF8.self))
        ),
    ]

    /// Every prefix shorter than the headers fails with truncated/corrupt/not-a-dump; the whole file works.
    @Test(arguments: 0..<5)
    func everyTruncationFailsCleanly(_ index: Int) throws {
        let (name, bytes) = Self.fixtures[index]
        let needed = headerEnd(bytes)
        for length in 0..<needed {
            for knownSize in [true, false] {
                do {
                    _ = try identifyBytes(Array(bytes.prefix(length)), bufferSize: 0, knownSize: knownSize)
                    Issue.record("\(name): prefix \(length) identified")
                } catch {
                    switch error {
                    case .truncated, .corrupt, .notADump: break
                    default: Issue.record("\(name): prefix \(length): \(error)")
                    }
                }
            }
        }
        #expect(try identifyBytes(bytes, bufferSize: 0).release == "6.1.0-robust", "\(name)")
    }

    /// The same for the flattened form, over every prefix up to the records holding the headers.
    @Test func everyFlattenedTruncationFailsCleanly() throws {
        let flat = DumpBuilders.flattened(Self.fixtures[3].1, chunk: 512)
        // VMCOREINFO starts the 17th record (dump offset 8192 = 16 × 512).
        let needed = 4096 + 16 * (512 + 16) + 16 + Self.info.count
        for length in stride(from: 0, to: needed, by: 3) {
            #expect(throws: DumpError.self, "prefix \(length)") {
                try identifyBytes(Array(flat.prefix(length)), bufferSize: 0)
            }
        }
        #expect(try identifyBytes(Array(flat.prefix(needed)), bufferSize: 0).release == "6.1.0-robust")
        #expect(try identifyBytes(flat, bufferSize: 0).release == "6.1.0-robust")
    }

    /// Where the headers a fixture needs end: the end of its last note or VMCOREINFO.
    func headerEnd(_ bytes: [UInt8]) -> Int {
        if bytes.starts(with: DumpFormat.kdumpSignature) { return 2 * 4096 + Self.info.count }
        return bytes.count
    }

    @Test func seededRandomBytes() {
        var generator = SplitMix(seed: 0x5eed)
        for round in 0..<300 {
            let count = Int(generator.next() % 9000)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            // Give a third of the inputs a real magic so the parsers behind it run on garbage.
            let magics = [
                DumpFormat.elfMagic + [2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0], DumpFormat.kdumpSignature,
                DumpFormat.diskdumpSignature, DumpFormat.flattenedSignature,
            ]
            if round % 3 == 0, count > 32 {
                let magic = magics[round / 3 % magics.count]
                bytes.replaceSubrange(0..<magic.count, with: magic)
            }
            do {
                _ = try identifyBytes(bytes, bufferSize: 1 << 16)
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
    }
}

/// A small seeded generator (SplitMix64), so random inputs are the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

import Testing

@testable import CASCore

@Suite struct FlattenedByteSourceTests {
    static let dump = DumpBuilders.kdump(
        uts: DumpBuilders.uts(release: "5.14.0-flat", machine: "aarch64"), vmcoreinfo: DumpBuilders.vmcoreinfo)

    @Test(arguments: [(100, 0), (7, 0), (4096, 1), (100, 50), (65536, 0)])
    func readsReassembleTheDump(_ chunk: Int, _ rotate: Int) throws {
        let flat = DumpBuilders.flattened(Self.dump, chunk: chunk, rotate: rotate)
        let source = FlattenedByteSource(base: MemoryByteSource(flat), name: "flat")
        #expect(try source.read(at: 0, count: 464) == Array(Self.dump[0..<464]))
        #expect(try source.read(at: 4090, count: 300) == Array(Self.dump[4090..<4390]))
        #expect(source.size == nil || source.size == Int64(Self.dump.count))
        #expect(try source.read(at: Int64(Self.dump.count) - 10, count: 100) == Array(Self.dump.suffix(10)))
        #expect(source.size == Int64(Self.dump.count))
        #expect(try source.read(at: Int64(Self.dump.count) + 5, count: 10).isEmpty)
    }

    @Test func onlyNeededRecordsAreIndexed() throws {
        let flat = DumpBuilders.flattened(Self.dump, chunk: 100)
        let source = FlattenedByteSource(base: MemoryByteSource(flat), name: "flat")
        _ = try source.read(at: 0, count: 464)
        #expect(source.records.count == 5)
    }

    @Test func identifiesThroughTheStream() throws {
        let identity = try identifyBytes(DumpBuilders.flattened(Self.dump, chunk: 333, rotate: 3))
        #expect(identity.format == "flattened kdump-compressed v6")
        #expect(identity.release == "5.14.0-427.el9.s390x")
        #expect(identity.arch == "aarch64")
        let core = DumpBuilders.elfCore(
            wide: true, bigEndian: true, machine: 21, notes: [("VMCOREINFO", 0, Array("OSRELEASE=6.1-ppc\n".utf8))])
        let elf = try identifyBytes(DumpBuilders.flattened(core, chunk: 50))
        #expect(elf.format == "flattened ELF64 core (big-endian)")
        #expect(elf.arch == "ppc64")
    }

    @Test func corruptRecordIsCorrupt() {
        var b = ByteBuilder(bigEndian: true)
        b.put(DumpBuilders.flattened(Self.dump, chunk: 100), at: 0)
        b.put(UInt64(bitPattern: -5), width: 8, at: 4096)
        do {
            _ = try identifyBytes(b.bytes)
            Issue.record("identified")
        } catch {
            guard case .corrupt(_, let why) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(why.contains("record"))
        }
    }

    @Test func endsWithoutMarkerOrData() {
        let flat = DumpBuilders.flattened(Self.dump, chunk: 100)
        for length in [4096, 4100, 4112, 4113, 4200, 4500, 8000] {
            #expect(throws: DumpError.self, "length \(length)") { try identifyBytes(Array(flat.prefix(length))) }
        }
    }
}

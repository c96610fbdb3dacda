import CASTestSupport
import Foundation
import Testing

@testable import CASCore

/// VMCOREINFO read from memory when no header carries it: through the s390x lowcore, or found by a
/// verified scan; through ELF segments and kdump pages in every compression.
@Suite struct MemoryVMCoreInfoTests {
    static let release = "5.14.0-427.13.1.el9_4.s390x"

    /// QEMU's s390x ELF: big-endian, PT_NOTE holding only CPU notes, memory from physical 0.
    @Test func s390xELFFollowsTheLowcore() throws {
        let (memory, _) = MemoryDumpBuilders.s390xMemory(release: Self.release)
        let dump = DumpBuilders.elfCore(
            wide: true, bigEndian: true, machine: 22, notes: [("CORE", 1, [UInt8](repeating: 0, count: 336))],
            loads: [(vaddr: 0, paddr: 0, data: memory)])
        let identity = try identifyBytes(dump, bufferSize: 0)
        #expect(identity.arch == "s390x")
        #expect(identity.release == Self.release)
        #expect(identity.buildId == "5e1f00dd0123456789abcdef0123456789abcdef")
        #expect(identity.version == "#1 SMP Tue Feb 6 2024", "init_uts_ns through VMCOREINFO's SYMBOL")
        #expect(identity.pageSize == 4096)
        #expect(identity.vmcoreinfoSource == "s390x lowcore (physical 0x5000)")
        #expect(identity.archSources.map(\.arch).allSatisfy { $0 == "s390x" })
        #expect(identity.conflicts.isEmpty, "\(identity.conflicts)")
    }

    /// QEMU's s390x kdump: no VMCOREINFO in any header, release and build ID only in compressed pages.
    @Test(arguments: ["zlib", "lzo", "snappy", "zstd"])
    func s390xKdumpFollowsTheLowcoreThroughCompressedPages(_ codec: String) throws {
        let (memory, _) = MemoryDumpBuilders.s390xMemory(release: Self.release)
        let dump = try MemoryDumpBuilders.kdump(memory: memory, machine: "s390x", bigEndian: true, codec: codec)
        for bytes in [dump, DumpBuilders.flattened(dump, chunk: 1000, rotate: 3)] {
            let identity = try identifyBytes(bytes, bufferSize: 0)
            #expect(identity.arch == "s390x")
            #expect(identity.release == Self.release)
            #expect(identity.version == "#1 SMP Tue Feb 6 2024")
            #expect(identity.buildId == "5e1f00dd0123456789abcdef0123456789abcdef")
            #expect(identity.pageCompression == codec)
            #expect(identity.vmcoreinfoSource == "s390x lowcore (physical 0x5000)")
        }
    }

    /// QEMU's arm64 kdump: machine "Unknown", 64 KiB zstd pages, VMCOREINFO in the sub-header; the version
    /// comes from `init_uts_ns`, located through `NUMBER(kimage_voffset)`.
    @Test func arm64KdumpVersionThroughKimageVoffset() throws {
        let voffset: UInt64 = 0xffff_8000_3000_0000
        let utsAt = 0x1_2345
        let info = """
            OSRELEASE=6.8.0-31-generic
            BUILD-ID=a1b2c3d4e5f60718293a4b5c6d7e8f9011223344
            PAGESIZE=65536
            SYMBOL(init_uts_ns)=\(String(voffset + UInt64(utsAt), radix: 16))
            NUMBER(kimage_voffset)=0x\(String(voffset, radix: 16))
            NUMBER(TCR_EL1_T1SZ)=0xc

            """
        let uts = MemoryDumpBuilders.utsname(["Linux", "armhost", "6.8.0-31-generic", "#31-Ubuntu SMP", "aarch64", ""])
        let memory = MemoryDumpBuilders.memory(size: 0x20000, [(utsAt, uts)])
        let dump = try MemoryDumpBuilders.kdump(
            memory: memory, machine: "Unknown", bigEndian: false, blockSize: 65536, codec: "zstd", vmcoreinfo: info)
        let identity = try identifyBytes(dump)
        #expect(identity.arch == "aarch64")
        #expect(identity.version == "#31-Ubuntu SMP")
        #expect(identity.nodename == "armhost")
        #expect(identity.pageSize == 65536)
        #expect(identity.buildId == "a1b2c3d4e5f60718293a4b5c6d7e8f9011223344")
        #expect(identity.archSources.map(\.source) == [
            "kernel utsname (init_uts_ns.name.machine)", "VMCOREINFO NUMBER(kimage_voffset)",
        ])
        #expect(identity.conflicts.isEmpty, "\(identity.conflicts)")
    }

    /// The s390x kdump (lzo pages) and ELF inside compressed archives: read through the stream, never unpacked.
    @Test func s390xThroughArchives() throws {
        let (memory, _) = MemoryDumpBuilders.s390xMemory(release: Self.release)
        let work = try TemporaryDirectory.make("cas-archive-test")
        defer { ArchiveFixtures.cleanup(work) }
        let kdump = try MemoryDumpBuilders.kdump(memory: memory, machine: "s390x", bigEndian: true, codec: "lzo")
        try Data(kdump).write(to: URL(fileURLWithPath: work + "/vmcore"))
        let elf = DumpBuilders.elfCore(
            wide: true, bigEndian: true, machine: 22, notes: [("CORE", 1, [0, 0, 0, 0])],
            loads: [(vaddr: 0, paddr: 0, data: memory)])
        try Data(elf).write(to: URL(fileURLWithPath: work + "/vmcore.elf"))
        try ArchiveFixtures.shell("tar czf k.tar.gz vmcore && xz -0 -c vmcore.elf > e.xz", in: work)
        for file in ["k.tar.gz", "e.xz"] {
            let result = try Identification.identify(path: work + "/" + file, bufferSize: 64 << 20)
            #expect(result.member != nil)
            #expect(result.identity.release == Self.release, "\(file)")
            #expect(result.identity.arch == "s390x")
            #expect(result.identity.version == "#1 SMP Tue Feb 6 2024")
            #expect(result.identity.buildId == "5e1f00dd0123456789abcdef0123456789abcdef")
        }
    }

    /// A large s390x kdump inside a .tar.gz: the lowcore's page data lies past 9 MiB of page descriptors, so
    /// following its pointer reads back to the note's descriptor, behind the stream's forward window; the
    /// member is then read again with random access (spilled as far as needed) and identified.
    @Test func largeS390xKdumpInsideAnArchive() throws {
        let (memory, _) = MemoryDumpBuilders.s390xMemory(release: Self.release)
        var pages: [Int: [UInt8]] = [:]
        for start in stride(from: 0, to: memory.count, by: 4096) where memory[start..<start + 4096].contains(where: { $0 != 0 }) {
            pages[start / 4096] = Array(memory[start..<start + 4096])
        }
        let kdump = try MemoryDumpBuilders.kdump(
            frames: 400_000, pages: pages, machine: "s390x", bigEndian: true, codec: "zlib")
        #expect(kdump.count > 9 << 20)
        let work = try TemporaryDirectory.make("cas-archive-test")
        defer { ArchiveFixtures.cleanup(work) }
        try Data(kdump).write(to: URL(fileURLWithPath: work + "/vmcore"))
        try ArchiveFixtures.shell("tar czf big.tar.gz vmcore", in: work)
        let result = try Identification.identify(path: work + "/big.tar.gz", bufferSize: 64 << 20)
        #expect(result.identity.release == Self.release && result.identity.arch == "s390x")
        #expect(result.identity.buildId == "5e1f00dd0123456789abcdef0123456789abcdef")
    }

    /// Without the lowcore (any other architecture), the scan finds the note; the `OSRELEASE=%s` format
    /// string, a bare text copy and a note-shaped decoy with the format string earlier in memory are skipped.
    @Test(arguments: ["elf", "zlib", "zstd"])
    func scanSkipsTheFormatStringAndDecoys(_ form: String) throws {
        let text = "OSRELEASE=6.1.0-21-amd64\nBUILD-ID=0011223344556677889900112233445566778899\nPAGESIZE=4096\n"
        let memory = MemoryDumpBuilders.memory(size: 0x10000, [
            (0x1000, Array("OSRELEASE=%s\nPAGESIZE=%ld\n".utf8)),
            (0x2000, MemoryDumpBuilders.note("OSRELEASE=%s\n", bigEndian: false)),
            (0x3000, Array(text.utf8)),
            (0x4000, MemoryDumpBuilders.note(text, bigEndian: false, type: 1)),
            (0x9000, MemoryDumpBuilders.note(text, bigEndian: false)),
        ])
        let dump: [UInt8]
        if form == "elf" {
            dump = DumpBuilders.elfCore(
                wide: true, bigEndian: false, machine: 62, notes: [("CORE", 1, [0, 0, 0, 0])],
                loads: [(vaddr: 0xffff_8880_0000_0000, paddr: 0, data: memory)])
        } else {
            dump = try MemoryDumpBuilders.kdump(memory: memory, machine: "x86_64", bigEndian: false, codec: form)
        }
        let identity = try identifyBytes(dump, bufferSize: 1 << 20)
        #expect(identity.release == "6.1.0-21-amd64")
        #expect(identity.buildId == "0011223344556677889900112233445566778899")
        #expect(identity.vmcoreinfoSource == "memory scan (physical 0x9000)")
        #expect(identity.arch == "x86_64")
        let short = try? identifyBytes(dump, bufferSize: 0x8000)
        #expect(short?.vmcoreinfoSource == nil, "the scan stops at buffersize")
    }

    /// Segments at the top of the address space: the scan neither wraps around nor reads a note there.
    @Test func segmentsAtTheTopOfTheAddressSpace() throws {
        let note = MemoryDumpBuilders.note("OSRELEASE=6.1.0\n", bigEndian: false)
        for paddr: UInt64 in [0xffff_ffff_ffff_f000, 0xffff_ffff_ffff_fff8, (1 << 50) + 4096] {
            let dump = DumpBuilders.elfCore(
                wide: true, bigEndian: false, machine: 62, notes: [("CORE", 1, [0, 0, 0, 0])],
                loads: [(vaddr: 0, paddr: paddr, data: note)])
            let identity = try identifyBytes(dump, bufferSize: 1 << 20)
            #expect(identity.vmcoreinfoSource == nil, "no note read beyond 1 PiB")
            #expect(identity.release == "6.1.0", "the banner scan's OSRELEASE= line still counts")
        }
    }

    /// The note verification on its own: sizes, type, name and a real release.
    @Test func noteVerification() {
        let good = MemoryDumpBuilders.note("OSRELEASE=6.1.0\n", bigEndian: true)
        #expect(MemoryVMCoreInfo.textSize(ofNoteHeader: good) == 16)
        #expect(MemoryVMCoreInfo.textSize(ofNoteHeader: MemoryDumpBuilders.note("x", bigEndian: false)) == 1)
        #expect(MemoryVMCoreInfo.textSize(ofNoteHeader: MemoryDumpBuilders.note("x", bigEndian: true, type: 1)) == nil)
        #expect(MemoryVMCoreInfo.textSize(ofNoteHeader: MemoryDumpBuilders.note("x", bigEndian: true, name: "CORE"))
            == nil)
        #expect(MemoryVMCoreInfo.isVMCoreInfo(Array("OSRELEASE=6.1.0\n".utf8)))
        #expect(!MemoryVMCoreInfo.isVMCoreInfo(Array("OSRELEASE=%s\n".utf8)))
        #expect(!MemoryVMCoreInfo.isVMCoreInfo(Array("PAGESIZE=4096\n".utf8)))
    }

    /// A lowcore pointer to nowhere, or to bytes that are not a note, gives no VMCOREINFO and no crash.
    @Test(arguments: [UInt64(0), 0x7ff8, 0xffff_ffff_ffff_fff0, 0x100])
    func badLowcorePointers(_ pointer: UInt64) throws {
        var lowcore = ByteBuilder(bigEndian: true)
        lowcore.put(pointer, width: 8, at: 0)
        let memory = MemoryDumpBuilders.memory(size: 0x8000, [(0x0e0c, lowcore.bytes)])
        let dump = try MemoryDumpBuilders.kdump(memory: memory, machine: "s390x", bigEndian: true, codec: "zlib")
        #expect(throws: DumpError.self) { try identifyBytes(dump, bufferSize: 1 << 20) }
    }

    /// Page decompression on its own: each codec round-trips a page; damaged data is a typed error.
    @Test(arguments: ["zlib", "lzo", "snappy", "zstd"])
    func pageCodecs(_ codec: String) throws {
        let page = (0..<4096).map { UInt8(truncatingIfNeeded: $0 * 7 / 5) }
        let stored = try MemoryDumpBuilders.stored(page, codec: codec)
        #expect(stored.flags != 0)
        #expect(try PageCodec(flags: stored.flags).decode(stored.bytes, pageSize: 4096) == page)
        let half = Array(stored.bytes.prefix(stored.bytes.count / 2))
        #expect(throws: PageCodecError.self) { try PageCodec(flags: stored.flags).decode(half, pageSize: 4096) }
        #expect(throws: PageCodecError.self) {
            try PageCodec(flags: stored.flags).decode(stored.bytes, pageSize: 8192)
        }
    }

    /// Page lookups through the bitmap index: every dumped frame's bytes, excluded frames absent.
    @Test func pageIndexAcrossChunks() throws {
        // 40000 frames of 512 bytes: the dumpable bitmap spans two 4 KiB index chunks.
        let frames = 40000
        var stored: [Int: [UInt8]] = [:]
        for pfn in stride(from: 0, to: frames, by: 997) { stored[pfn] = [UInt8(pfn % 251 + 1)] }
        let excluded: Set = [5, 33000, 39999]
        let dump = try MemoryDumpBuilders.kdump(
            frames: frames, pages: stored, machine: "x86_64", bigEndian: false, blockSize: 512, codec: "zlib",
            excluded: excluded)
        let reader = DumpReader(source: MemoryByteSource(dump), name: "test")
        let header = try KdumpHeader.parse(try reader.read(at: 0, count: KdumpHeader.readSize, what: "header"))
        let pages = KdumpPageReader(reader: reader, header: header)
        for pfn in [39880, 0, 997, 32901, 1994, 38883] {
            #expect(try pages.page(UInt64(pfn))?.first == UInt8(pfn % 251 + 1), "frame \(pfn)")
        }
        for pfn in excluded { #expect(try pages.page(UInt64(pfn)) == nil) }
        #expect(try pages.page(UInt64(frames + 100_000)) == nil)
    }
}

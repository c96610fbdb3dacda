/// ELF core files: program headers, PT_NOTE segments and their notes, and reads of kernel memory
/// through PT_LOAD segments (to find `init_uts_ns`).
struct ELFCore {
    struct Segment {
        var type: UInt32
        var offset: UInt64
        var vaddr: UInt64
        var paddr: UInt64
        var fileSize: UInt64
    }

    let is64: Bool
    let bigEndian: Bool
    let machine: UInt16
    var segments: [Segment] = []

    static let ptLoad: UInt32 = 1
    static let ptNote: UInt32 = 4
    /// At most this many program headers are read (a 64 TiB machine has far fewer).
    static let maxSegments = 1_000_000

    /// Reads the ELF header and program headers of `source`.
    init(_ source: any ByteSource, name: String) throws(DumpError) {
        let ident = try source.readExactly(0, 64, name: name, what: "ELF header")
        guard ident[4] == 1 || ident[4] == 2 else { throw .corrupt(name, "ELF class \(ident[4]) is neither 32 nor 64-bit") }
        guard ident[5] == 1 || ident[5] == 2 else { throw .corrupt(name, "ELF data encoding \(ident[5]) is unknown") }
        is64 = ident[4] == 2
        bigEndian = ident[5] == 2
        let h = Bytes(ident, bigEndian: bigEndian)
        machine = h.u16(18) ?? 0
        let phoff = (is64 ? h.u64(32) : h.u32(28).map(UInt64.init)) ?? 0
        let phentsize = Int((is64 ? h.u16(54) : h.u16(42)) ?? 0)
        var phnum = Int((is64 ? h.u16(56) : h.u16(44)) ?? 0)
        let minimum = is64 ? 56 : 32
        guard phentsize >= minimum, phentsize <= 1024 else {
            throw .corrupt(name, "program header size \(phentsize) (expected at least \(minimum))")
        }
        if phnum == 0xffff {
            // PN_XNUM: the real count is in section header 0's sh_info.
            let shoff = (is64 ? h.u64(40) : h.u32(32).map(UInt64.init)) ?? 0
            guard shoff > 0, shoff < Int64.max else { throw .corrupt(name, "PN_XNUM without a section header") }
            let sh = Bytes(try source.readExactly(Int64(shoff), is64 ? 64 : 40, name: name, what: "section header 0"),
                bigEndian: bigEndian)
            phnum = Int((is64 ? sh.u32(44) : sh.u32(28)) ?? 0)
        }
        guard phnum > 0 else { throw .corrupt(name, "an ELF core with no program headers") }
        guard phnum <= Self.maxSegments else { throw .corrupt(name, "\(phnum) program headers") }
        if let size = source.size {
            guard phoff < UInt64(size), UInt64(phnum * phentsize) <= UInt64(size) - phoff else {
                throw .corrupt(name, "program headers at \(phoff) (\(phnum) × \(phentsize) bytes) run past the end of the file (\(size) bytes)")
            }
        }
        let chunkEntries = max(1, (1 << 20) / phentsize)
        var index = 0
        while index < phnum {
            let n = min(chunkEntries, phnum - index)
            let chunk = try source.readExactly(
                Int64(phoff) + Int64(index * phentsize), n * phentsize, name: name, what: "program headers")
            let b = Bytes(chunk, bigEndian: bigEndian)
            for i in 0..<n {
                let base = i * phentsize
                let type = b.u32(base) ?? 0
                guard type == Self.ptLoad || type == Self.ptNote else { continue }
                if is64 {
                    segments.append(Segment(type: type, offset: b.u64(base + 8) ?? 0, vaddr: b.u64(base + 16) ?? 0,
                        paddr: b.u64(base + 24) ?? 0, fileSize: b.u64(base + 32) ?? 0))
                } else {
                    segments.append(Segment(type: type, offset: UInt64(b.u32(base + 4) ?? 0),
                        vaddr: UInt64(b.u32(base + 8) ?? 0), paddr: UInt64(b.u32(base + 12) ?? 0),
                        fileSize: UInt64(b.u32(base + 16) ?? 0)))
                }
            }
            index += n
        }
    }

    /// Every note in the PT_NOTE segments: (name, type, descriptor).
    func notes(_ source: any ByteSource, name: String) throws(DumpError) -> [(name: String, type: UInt32, desc: [UInt8])] {
        var result: [(String, UInt32, [UInt8])] = []
        for segment in segments where segment.type == Self.ptNote {
            guard segment.fileSize <= 16 << 20 else {
                throw .corrupt(name, "a PT_NOTE segment of \(segment.fileSize) bytes")
            }
            if let size = source.size, segment.offset > UInt64(size) || segment.fileSize > UInt64(size) - segment.offset {
                throw .truncated(name, "the PT_NOTE segment at \(segment.offset) runs past the end of the file")
            }
            let data = try source.readExactly(Int64(segment.offset), Int(segment.fileSize), name: name, what: "PT_NOTE segment")
            result += Self.parseNotes(data, bigEndian: bigEndian)
        }
        return result
    }

    /// Splits a note segment into notes (4-byte aligned name and descriptor).
    static func parseNotes(_ data: [UInt8], bigEndian: Bool) -> [(name: String, type: UInt32, desc: [UInt8])] {
        let b = Bytes(data, bigEndian: bigEndian)
        var notes: [(String, UInt32, [UInt8])] = []
        var offset = 0
        while offset + 12 <= data.count {
            guard let namesz = b.u32(offset), let descsz = b.u32(offset + 4), let type = b.u32(offset + 8) else { break }
            let nameStart = offset + 12
            let descStart = nameStart + (Int(namesz) + 3) / 4 * 4
            guard namesz <= 4096, descsz <= UInt32(data.count), descStart <= data.count,
                let desc = b.slice(descStart, Int(descsz))
            else { break }
            let noteName = b.cString(nameStart, length: Int(namesz)) ?? ""
            notes.append((noteName, type, desc))
            offset = descStart + (Int(descsz) + 3) / 4 * 4
            if namesz == 0 && descsz == 0 && type == 0 { break }
        }
        return notes
    }

    /// The file offset of `count` bytes of memory at `address`, matched as a virtual or as a physical address.
    func fileOffset(address: UInt64, count: Int, physical: Bool) -> UInt64? {
        for segment in segments where segment.type == Self.ptLoad {
            let base = physical ? segment.paddr : segment.vaddr
            guard address >= base, address - base <= segment.fileSize,
                segment.fileSize - (address - base) >= UInt64(count)
            else { continue }
            return segment.offset + (address - base)
        }
        return nil
    }
}

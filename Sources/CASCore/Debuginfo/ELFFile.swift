import Foundation

/// The section headers of an ELF file, read through a ``ByteSource`` (never the whole file).
struct ELFFile {
    struct Section {
        var name: String
        var type: UInt32
        var offset: Int64
        var size: Int64
    }

    var is64: Bool
    var littleEndian: Bool
    var machine: UInt16
    var sections: [Section]

    /// Parses the ELF header and section table of `source`; nil when it is not ELF.
    static func read(_ source: any ByteSource) throws(ByteSourceError) -> ELFFile? {
        let ident = try source.read(at: 0, count: 64)
        guard ident.count >= 52, ident[0..<4] == [0x7f, 0x45, 0x4c, 0x46], ident[4] == 1 || ident[4] == 2,
            ident[5] == 1 || ident[5] == 2
        else { return nil }
        let is64 = ident[4] == 2
        let le = ident[5] == 1
        guard !is64 || ident.count >= 64 else { return nil }
        let r = Reader(bytes: ident, littleEndian: le)
        let shoff = is64 ? Int64(bitPattern: r.u64(0x28)) : Int64(r.u32(0x20))
        let entsize = Int(r.u16(is64 ? 0x3a : 0x2e))
        let count = Int(r.u16(is64 ? 0x3c : 0x30))
        let strndx = Int(r.u16(is64 ? 0x3e : 0x32))
        guard count > 0, count < 65280, entsize >= (is64 ? 64 : 40), shoff > 0 else {
            return ELFFile(is64: is64, littleEndian: le, machine: r.u16(18), sections: [])
        }
        let table = try source.read(at: shoff, count: entsize * count)
        guard table.count == entsize * count else { return nil }
        let t = Reader(bytes: table, littleEndian: le)
        var raw: [(UInt32, Section)] = []
        for i in 0..<count {
            let at = i * entsize
            let name = t.u32(at)
            let type = t.u32(at + 4)
            let offset = is64 ? Int64(bitPattern: t.u64(at + 24)) : Int64(t.u32(at + 16))
            let size = is64 ? Int64(bitPattern: t.u64(at + 32)) : Int64(t.u32(at + 20))
            raw.append((name, Section(name: "", type: type, offset: offset, size: size)))
        }
        var sections = raw.map(\.1)
        if strndx < raw.count, raw[strndx].1.size > 0, raw[strndx].1.size < 16 << 20 {
            let names = try source.read(at: raw[strndx].1.offset, count: Int(raw[strndx].1.size))
            for i in sections.indices {
                let start = Int(raw[i].0)
                guard start < names.count, let end = names[start...].firstIndex(of: 0) else { continue }
                sections[i].name = String(decoding: names[start..<end], as: UTF8.self)
            }
        }
        return ELFFile(is64: is64, littleEndian: le, machine: r.u16(18), sections: sections)
    }

    /// The GNU build ID from the first NT_GNU_BUILD_ID note of any SHT_NOTE section, lowercase hex.
    func buildId(_ source: any ByteSource) throws(ByteSourceError) -> String? {
        for section in sections where section.type == 7 && section.size > 0 && section.size < 1 << 20 {
            let bytes = try source.read(at: section.offset, count: Int(section.size))
            if let id = Self.buildId(notes: bytes, littleEndian: littleEndian) { return id }
        }
        return nil
    }

    /// The descriptor of the first NT_GNU_BUILD_ID note (owner "GNU") in a run of ELF notes, lowercase hex.
    static func buildId(notes bytes: [UInt8], littleEndian: Bool) -> String? {
        let r = Reader(bytes: bytes, littleEndian: littleEndian)
        var at = 0
        while at + 12 <= bytes.count {
            let namesz = Int(r.u32(at))
            let descsz = Int(r.u32(at + 4))
            let type = r.u32(at + 8)
            let nameStart = at + 12
            guard namesz < 1 << 16, descsz < 1 << 16 else { break }
            let descStart = nameStart + ((namesz + 3) & ~3)
            let next = descStart + ((descsz + 3) & ~3)
            guard next <= bytes.count else { break }
            if type == 3, namesz == 4, bytes[nameStart..<nameStart + 3] == [0x47, 0x4e, 0x55], descsz > 0 {
                return bytes[descStart..<descStart + descsz].map { String(format: "%02x", $0) }.joined()
            }
            at = next
        }
        return nil
    }

    /// The kernel's architecture name for `e_machine`.
    var archName: String? {
        switch machine {
        case 62: "x86_64"
        case 3: "i386"
        case 183: "aarch64"
        case 40: "arm"
        case 21: littleEndian ? "ppc64le" : "ppc64"
        case 20: "ppc"
        case 22: "s390x"
        case 243: "riscv64"
        default: nil
        }
    }

    struct Reader {
        let bytes: [UInt8]
        let littleEndian: Bool
        func u16(_ at: Int) -> UInt16 {
            guard at + 2 <= bytes.count else { return 0 }
            let a = UInt16(bytes[at])
            let b = UInt16(bytes[at + 1])
            return littleEndian ? a | b << 8 : a << 8 | b
        }
        func u32(_ at: Int) -> UInt32 {
            guard at + 4 <= bytes.count else { return 0 }
            let lo = UInt32(u16(at))
            let hi = UInt32(u16(at + 2))
            return littleEndian ? lo | hi << 16 : lo << 16 | hi
        }
        func u64(_ at: Int) -> UInt64 {
            guard at + 8 <= bytes.count else { return 0 }
            let lo = UInt64(u32(at))
            let hi = UInt64(u32(at + 4))
            return littleEndian ? lo | hi << 32 : lo << 32 | hi
        }
    }
}

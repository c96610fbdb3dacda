/// The parts of an ELF core header CAS needs, parsed from its bytes (pure, no I/O).
struct ELFHeader: Equatable {
    static let etCore: UInt16 = 4
    static let pnXnum: UInt16 = 0xffff

    var wide: Bool
    var order: ByteOrder
    var type: UInt16
    var machine: UInt16
    var phoff: UInt64
    var phentsize: Int
    var phnum: Int
    var shoff: UInt64
    var shentsize: Int
    var shnum: Int
    var shstrndx: Int

    /// Size of the header for the class in `ident` (e_ident[EI_CLASS]), or nil for an unknown class.
    static func headerSize(ident: [UInt8]) -> Int? {
        guard ident.count > 4 else { return nil }
        switch ident[4] {
        case 1: return 52
        case 2: return 64
        default: return nil
        }
    }

    /// Parses the ELF header; nil when class or data encoding is not valid ELF.
    static func parse(_ bytes: [UInt8]) -> ELFHeader? {
        guard bytes.matches(DumpFormat.elfMagic, at: 0), let size = headerSize(ident: bytes), bytes.count >= size,
            bytes[5] == 1 || bytes[5] == 2
        else { return nil }
        let wide = bytes[4] == 2
        let header = HeaderBytes(bytes, order: bytes[5] == 1 ? .little : .big)
        // e_phoff/e_shoff are words; the fields after them shift by 12 bytes between the classes.
        let tail = wide ? 48 : 36
        guard let type = header.u16(16), let machine = header.u16(18),
            let phoff = header.word(wide ? 32 : 28, wide: wide), let shoff = header.word(wide ? 40 : 32, wide: wide),
            let phentsize = header.u16(tail + 6), let phnum = header.u16(tail + 8),
            let shentsize = header.u16(tail + 10), let shnum = header.u16(tail + 12),
            let shstrndx = header.u16(tail + 14)
        else { return nil }
        return ELFHeader(
            wide: wide, order: header.order, type: type, machine: machine, phoff: phoff,
            phentsize: Int(phentsize), phnum: Int(phnum), shoff: shoff, shentsize: Int(shentsize),
            shnum: Int(shnum), shstrndx: Int(shstrndx))
    }

    /// Smallest valid program header entry for this class.
    var minimumPhentsize: Int { wide ? 56 : 32 }
    /// Smallest valid section header entry for this class.
    var minimumShentsize: Int { wide ? 64 : 40 }
    var classText: String { wide ? "ELF64" : "ELF32" }
}

/// One program header: where a segment lies in the file and in memory.
struct ELFSegment: Equatable {
    static let ptLoad: UInt32 = 1
    static let ptNote: UInt32 = 4

    var type: UInt32
    var offset: UInt64
    var vaddr: UInt64
    var paddr: UInt64
    var filesz: UInt64

    /// Parses `count` entries of `entrySize` bytes from the program header table `bytes`.
    static func parseTable(_ bytes: [UInt8], header: ELFHeader, count: Int) -> [ELFSegment] {
        let table = HeaderBytes(bytes, order: header.order)
        let wide = header.wide
        return (0..<count).compactMap { index in
            let base = index * header.phentsize
            guard let type = table.u32(base),
                let offset = table.word(base + (wide ? 8 : 4), wide: wide),
                let vaddr = table.word(base + (wide ? 16 : 8), wide: wide),
                let paddr = table.word(base + (wide ? 24 : 12), wide: wide),
                let filesz = table.word(base + (wide ? 32 : 16), wide: wide)
            else { return nil }
            return ELFSegment(type: type, offset: offset, vaddr: vaddr, paddr: paddr, filesz: filesz)
        }
    }
}

extension DumpIdentifier {
    /// Program header tables and note segments larger than this are corruption, not a dump.
    static let maxPhdrTable = 16 << 20
    static let maxNotes = 16 << 20

    /// An ELF core: program headers → PT_NOTE segments → the VMCOREINFO note; then `init_uts_ns` through
    /// the PT_LOAD segments for `uname -v` and the node name; the banner scan when VMCOREINFO is missing.
    static func identifyELF(_ reader: DumpReader, bufferSize: Int64, label: String) throws(DumpError)
        -> KernelIdentity
    {
        let ident = try reader.read(at: 0, count: 16, what: "ELF identification")
        guard let headerSize = ELFHeader.headerSize(ident: ident) else {
            throw .corrupt(reader.name, "ELF class \(ident[4]) is neither ELFCLASS32 nor ELFCLASS64")
        }
        let bytes = try reader.read(at: 0, count: headerSize, what: "ELF header")
        guard let header = ELFHeader.parse(bytes) else {
            throw .corrupt(reader.name, "ELF byte order \(bytes[5]) is neither little nor big-endian")
        }
        guard header.type == ELFHeader.etCore else { throw .notADump(reader.name, DumpFormat.elfExecutableMessage) }
        var identity = KernelIdentity(format: "\(label)\(header.classText) core (\(header.order.name))")
        Architecture.claim(
            Architecture.fromELF(machine: header.machine, wide: header.wide, order: header.order),
            source: "ELF e_machine \(header.machine) (\(header.classText), \(header.order.name))", in: &identity)
        let facts = Architecture.ContainerFacts(order: header.order, orderSource: "ELF header")
        Architecture.resolve(&identity, facts: facts)
        let segments = try programHeaders(reader, header: header)
        var notes: [ELFNote] = []
        var noteBytes: UInt64 = 0
        for segment in segments where segment.type == ELFSegment.ptNote && segment.filesz > 0 {
            guard segment.filesz <= UInt64(maxNotes) - noteBytes else {
                throw .corrupt(reader.name, "PT_NOTE segments total more than \(maxNotes) bytes")
            }
            noteBytes += segment.filesz
            let region = try reader.region(offset: segment.offset, size: segment.filesz, cap: maxNotes, what: "PT_NOTE")
            notes += ELFNote.parseAll(
                try reader.read(at: region.offset, count: region.count, what: "PT_NOTE"), order: header.order)
        }
        var memoryProblem: DumpError?
        var scanned = false
        if let info = notes.first(where: { $0.name == "VMCOREINFO" }) {
            VMCoreInfo.apply(VMCoreInfo.parse(Array(info.desc.prefix(VMCoreInfo.maxSize))), to: &identity)
            identity.vmcoreinfoSource = "ELF note"
            Architecture.resolve(&identity, facts: facts)
            if let uts = try kernelUTSName(reader, segments: segments, identity: identity) {
                uts.fill(&identity, source: Self.kernelUTSSource)
            }
        } else if try isXenCore(reader, header: header) {
            throw .unsupported(reader.name, "Xen xc_core ELF dump (.note.Xen)")
        } else {
            (scanned, memoryProblem) = readVMCoreInfo(
                from: ELFMemory(reader: reader, segments: segments), bufferSize: bufferSize, facts: facts,
                into: &identity)
            if !identity.vmcoreinfo.isEmpty,
                let uts = try? kernelUTSName(reader, segments: segments, identity: identity)
            {
                uts.fill(&identity, source: Self.kernelUTSSource)
            }
        }
        if (identity.release == nil || identity.version == nil) && !scanned {
            try scanBanner(reader, bufferSize: bufferSize, into: &identity)
        }
        Architecture.resolve(&identity, facts: facts)
        if identity.release == nil, let memoryProblem { throw memoryProblem }
        return identity
    }

    /// The program header table, with PN_XNUM (more than 65534 entries) resolved through section 0.
    static func programHeaders(_ reader: DumpReader, header: ELFHeader) throws(DumpError) -> [ELFSegment] {
        var count = header.phnum
        if header.phnum == Int(ELFHeader.pnXnum) {
            let at = try reader.region(
                offset: header.shoff, size: UInt64(header.minimumShentsize), cap: 64, what: "section header 0")
            let section = try reader.read(at: at.offset, count: at.count, what: "section header 0")
            count = Int(HeaderBytes(section, order: header.order).u32(header.wide ? 44 : 28) ?? 0)
        }
        guard count > 0 else { return [] }
        guard header.phentsize >= header.minimumPhentsize, header.phentsize <= 1024 else {
            throw .corrupt(reader.name, "e_phentsize \(header.phentsize) is impossible")
        }
        let tableSize = UInt64(count) * UInt64(header.phentsize)
        let at = try reader.region(
            offset: header.phoff, size: tableSize, cap: maxPhdrTable, what: "program header table")
        let table = try reader.read(at: at.offset, count: at.count, what: "program header table")
        return ELFSegment.parseTable(table, header: header, count: count)
    }

    /// `init_uts_ns.name`, located through VMCOREINFO's `SYMBOL(init_uts_ns)` and the PT_LOAD segments;
    /// nil when the address cannot be mapped or the bytes there are not a utsname.
    static func kernelUTSName(_ reader: DumpReader, segments: [ELFSegment], identity: KernelIdentity)
        throws(DumpError) -> UTSName?
    {
        guard let symbol = VMCoreInfo.address(identity.vmcoreinfo, "SYMBOL(init_uts_ns)") else { return nil }
        let span = KernelAddress.utsnameSpan
        guard
            let fileOffset = ELFAddressMap.fileOffset(of: symbol, length: span, segments: segments, identity: identity)
        else { return nil }
        let bytes = try reader.readUpTo(at: fileOffset, count: span)
        return KernelAddress.utsname(inInitUTSNamespace: bytes, identity: identity)
    }

    /// Whether an ELF core without VMCOREINFO is a Xen xc_core dump (a `.note.Xen` section).
    static func isXenCore(_ reader: DumpReader, header: ELFHeader) throws(DumpError) -> Bool {
        guard header.shnum > 0, header.shnum <= 4096, header.shstrndx < header.shnum,
            header.shentsize >= header.minimumShentsize, header.shentsize <= 1024,
            let at = try? reader.region(
                offset: header.shoff, size: UInt64(header.shnum * header.shentsize), cap: 4 << 20,
                what: "section headers")
        else { return false }
        let table = try reader.readUpTo(at: at.offset, count: at.count)
        let strtab = HeaderBytes(table, order: header.order)
        let base = header.shstrndx * header.shentsize
        guard let offset = strtab.word(base + (header.wide ? 24 : 16), wide: header.wide),
            let size = strtab.word(base + (header.wide ? 32 : 20), wide: header.wide),
            let names = try? reader.region(offset: offset, size: size, cap: 1 << 20, what: "section names")
        else { return false }
        let text = try reader.readUpTo(at: names.offset, count: names.count)
        return BannerScanner.find(Array(".note.Xen".utf8) + [0], in: text, from: 0) != nil
    }
}

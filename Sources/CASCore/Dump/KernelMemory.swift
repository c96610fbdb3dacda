/// The crashed machine's memory as the dump holds it, read at kernel virtual addresses.
///
/// ELF cores are read through their `PT_LOAD` segments: by virtual address when the segments carry one
/// (kdump's /proc/vmcore), else by physical address after ``KernelAddressTranslator`` (QEMU's
/// dump-guest-memory). kdump-compressed dumps (plain or flattened) are read page by page through
/// ``KdumpPageReader``. Pages read are kept in a small cache, so walking a ring buffer reads each page once.
final class KernelMemory {
    /// Pages kept in the cache before it is emptied (1 MiB of 4 KiB pages).
    static let cachedPages = 256

    enum Backend {
        case elf([ELFSegment])
        case kdump(KdumpPageReader)
    }

    let reader: DumpReader
    let identity: KernelIdentity
    let order: ByteOrder
    /// Whether the kernel's `long` is 8 bytes.
    let wide: Bool
    let pageSize: Int
    private let backend: Backend
    private var translator: KernelAddressTranslator
    private var cache: [CacheKey: [UInt8]] = [:]
    /// Virtual pages known to be absent, so a walk over a missing array does not translate them again.
    private var missing: Set<UInt64> = []

    private struct CacheKey: Hashable {
        var physical: Bool
        var page: UInt64
    }

    init(reader: DumpReader, identity: KernelIdentity, backend: Backend, order: ByteOrder, wide: Bool) {
        self.reader = reader
        self.identity = identity
        self.backend = backend
        self.order = order
        self.wide = wide
        let size = identity.pageSize ?? 4096
        pageSize = size >= 512 && size <= 1 << 20 && size.nonzeroBitCount == 1 ? size : 4096
        translator = KernelAddressTranslator(identity: identity)
    }

    /// Opens the memory of the dump `source` holds, identified as `identity` (its VMCOREINFO gives the
    /// translation). ELF, kdump-compressed and flattened dumps; diskdump and others throw.
    static func open(_ source: any ByteSource, name: String, identity: KernelIdentity) throws(DumpError)
        -> KernelMemory
    {
        let reader = DumpReader(source: source, name: name)
        let prefix = try reader.readUpTo(at: 0, count: DumpFormat.sniffLength)
        switch DumpFormat.sniff(prefix) {
        case .elf:
            let ident = try reader.read(at: 0, count: 16, what: "ELF identification")
            guard let size = ELFHeader.headerSize(ident: ident),
                let header = ELFHeader.parse(try reader.read(at: 0, count: size, what: "ELF header"))
            else { throw .corrupt(name, "ELF header") }
            let segments = try DumpIdentifier.programHeaders(reader, header: header)
            return KernelMemory(
                reader: reader, identity: identity, backend: .elf(segments), order: header.order, wide: header.wide)
        case .kdumpCompressed:
            let bytes = try reader.read(at: 0, count: KdumpHeader.readSize, what: "disk_dump_header")
            let header: KdumpHeader
            do throws(KdumpHeaderProblem) {
                header = try KdumpHeader.parse(bytes)
            } catch {
                throw .corrupt(name, "disk_dump_header: \(error.text)")
            }
            guard header.blockSize >= 512, header.blockSize <= 1 << 20 else {
                throw .corrupt(name, "block size \(header.blockSize) is impossible")
            }
            var known = identity
            known.pageSize = header.blockSize
            return KernelMemory(
                reader: reader, identity: known, backend: .kdump(KdumpPageReader(reader: reader, header: header)),
                order: header.order, wide: header.wide)
        case .flattened:
            let flat = FlattenedByteSource(base: source, name: name)
            return try open(flat, name: name, identity: identity)
        case .diskdump: throw .unsupported(name, "reading memory of a diskdump file")
        default: throw .notADump(name, "no dump format's magic at its start")
        }
    }

    /// `count` bytes at kernel virtual address `address`; nil when any of them is not in the dump (not
    /// mapped, not dumped, or a page that does not decode).
    func read(_ address: UInt64, count: Int) throws(DumpError) -> [UInt8]? {
        guard count >= 0, count <= 64 << 20 else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(count)
        var at = address
        while result.count < count {
            let within = Int(at % UInt64(pageSize))
            let take = min(count - result.count, pageSize - within)
            guard let page = try virtualPage(at - UInt64(within)) else { return nil }
            result += page[within..<within + take]
            let (next, overflow) = at.addingReportingOverflow(UInt64(take))
            if overflow && result.count < count { return nil }
            at = next
        }
        return result
    }

    /// The kernel `unsigned long` at `address`.
    func word(_ address: UInt64) throws(DumpError) -> UInt64? {
        guard let bytes = try read(address, count: wide ? 8 : 4) else { return nil }
        return HeaderBytes(bytes, order: order).word(0, wide: wide)
    }

    /// The page at page-aligned virtual address `address`.
    private func virtualPage(_ address: UInt64) throws(DumpError) -> [UInt8]? {
        let number = address / UInt64(pageSize)
        if missing.contains(number) { return nil }
        let page = try findVirtualPage(address)
        if page == nil {
            if missing.count >= 1 << 16 { missing.removeAll(keepingCapacity: true) }
            missing.insert(number)
        }
        return page
    }

    private func findVirtualPage(_ address: UInt64) throws(DumpError) -> [UInt8]? {
        if case .elf(let segments) = backend {
            let key = CacheKey(physical: false, page: address / UInt64(pageSize))
            if let page = cache[key] { return page }
            if let offset = ELFAddressMap.lookup(address, length: pageSize, in: segments, start: \.vaddr) {
                let page = try reader.readUpTo(at: offset, count: pageSize)
                guard page.count == pageSize else { return nil }
                store(page, key)
                return page
            }
        }
        guard let physical = try translator.physical(of: address, memory: self) else { return nil }
        return try physicalPage(physical / UInt64(pageSize))
    }

    /// The page at physical frame `frame`.
    func physicalPage(_ frame: UInt64) throws(DumpError) -> [UInt8]? {
        let key = CacheKey(physical: true, page: frame)
        if let page = cache[key] { return page }
        let page: [UInt8]?
        switch backend {
        case .elf(let segments):
            let (physical, overflow) = frame.multipliedReportingOverflow(by: UInt64(pageSize))
            guard !overflow, let offset = ELFAddressMap.lookup(physical, length: pageSize, in: segments, start: \.paddr) else {
                return nil
            }
            let bytes = try reader.readUpTo(at: offset, count: pageSize)
            page = bytes.count == pageSize ? bytes : nil
        case .kdump(let pages):
            // A page that does not decode, or lies past the end of a cut dump, is a missing page to the reader
            // (its records are counted skipped); a decompression library that cannot be loaded still stops
            // the read, with what to install.
            do throws(DumpError) {
                page = try pages.page(frame)
            } catch {
                switch error {
                case .corrupt, .truncated: page = nil
                default: throw error
                }
            }
        }
        if let page { store(page, key) }
        return page
    }

    /// The `unsigned long` at physical address `physical` (for page-table walks).
    func physicalWord(_ physical: UInt64) throws(DumpError) -> UInt64? {
        let within = Int(physical % UInt64(pageSize))
        guard within <= pageSize - 8, let page = try physicalPage(physical / UInt64(pageSize)) else { return nil }
        return HeaderBytes(page, order: order).u64(within)
    }

    private func store(_ page: [UInt8], _ key: CacheKey) {
        if cache.count >= Self.cachedPages { cache.removeAll(keepingCapacity: true) }
        cache[key] = page
    }
}

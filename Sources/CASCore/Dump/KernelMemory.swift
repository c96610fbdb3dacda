/// Reads kernel memory out of a dump, enough to find `init_uts_ns` (VMCOREINFO's `SYMBOL(init_uts_ns)`):
/// by virtual address where the dump maps one, else by the physical address the architecture's kernel
/// mapping gives. A result is trusted only if it reads as a utsname (`Linux`, and the VMCOREINFO release).
protocol MemoryReader {
    func read(virtual address: UInt64, count: Int) -> [UInt8]?
    func read(physical address: UInt64, count: Int) -> [UInt8]?
}

enum KernelMemory {
    struct UTSName {
        var nodename: String
        var release: String
        var version: String
        var machine: String
    }

    static func utsname(_ memory: any MemoryReader, identity: KernelIdentity) -> UTSName? {
        guard let symbol = identity.vmcoreinfo["SYMBOL(init_uts_ns)"].flatMap({ UInt64($0, radix: 16) }) else {
            return nil
        }
        let nameOffset = identity.vmcoreinfo["OFFSET(uts_namespace.name)"].flatMap { UInt64($0) } ?? 4
        let address = symbol &+ nameOffset
        let length = 6 * KdumpHeader.utsFieldLength
        var reads: [[UInt8]?] = [memory.read(virtual: address, count: length)]
        for physical in physicalCandidates(address, arch: identity.arch, info: identity.vmcoreinfo) {
            reads.append(memory.read(physical: physical, count: length))
        }
        for case let bytes? in reads where bytes.count == length {
            let b = Bytes(bytes)
            let field = KdumpHeader.utsFieldLength
            guard b.cString(0, length: field) == "Linux" else { continue }
            let uts = UTSName(
                nodename: b.cString(field, length: field) ?? "", release: b.cString(2 * field, length: field) ?? "",
                version: b.cString(3 * field, length: field) ?? "", machine: b.cString(4 * field, length: field) ?? "")
            if let release = identity.release, release != uts.release { continue }
            return uts
        }
        return nil
    }

    /// Physical addresses a kernel virtual address may map to, per architecture.
    static func physicalCandidates(_ address: UInt64, arch: String?, info: [String: String]) -> [UInt64] {
        func number(_ key: String) -> UInt64? {
            info["NUMBER(\(key))"].flatMap { Int64($0).map { UInt64(bitPattern: $0) } ?? UInt64($0, radix: 16) }
        }
        var result: [UInt64] = []
        switch arch {
        case "x86_64":
            let physBase = number("phys_base") ?? 0
            if address >= 0xffff_ffff_8000_0000 { result.append(address &- 0xffff_ffff_8000_0000 &+ physBase) }
            for pageOffset: UInt64 in [0xffff_8880_0000_0000, 0xff11_0000_0000_0000] where address >= pageOffset {
                result.append(address &- pageOffset)
            }
        case "aarch64":
            if let voffset = number("kimage_voffset") { result.append(address &- voffset) }
        case "ppc64", "ppc64le":
            result.append(address & 0x0fff_ffff_ffff_ffff)
        case "i386":
            if address >= 0xc000_0000 { result.append(address &- 0xc000_0000) }
        case "s390x", "s390":
            result.append(address)
        default:
            break
        }
        return result
    }
}

/// An ELF core's memory: PT_LOAD segments by virtual or physical address.
struct ELFMemory: MemoryReader {
    let core: ELFCore
    let source: any ByteSource

    func read(virtual address: UInt64, count: Int) -> [UInt8]? { read(address, count, physical: false) }
    func read(physical address: UInt64, count: Int) -> [UInt8]? { read(address, count, physical: true) }

    private func read(_ address: UInt64, _ count: Int, physical: Bool) -> [UInt8]? {
        guard let offset = core.fileOffset(address: address, count: count, physical: physical),
            offset < UInt64(Int64.max)
        else { return nil }
        return try? source.read(at: Int64(offset), count: count)
    }
}

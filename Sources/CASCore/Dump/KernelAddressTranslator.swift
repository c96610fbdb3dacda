import Foundation

/// Kernel virtual → physical addresses for any kernel address the log may sit at: the kernel image and the
/// direct (linear) map, where memblock puts a ring buffer enlarged with `log_buf_len=`. Each rule is the
/// kernel's own definition, with the values VMCOREINFO records:
///
/// - x86_64: the image is `__pa_symbol` (address − `__START_KERNEL_map` + `phys_base`); anything else is
///   found by walking the kernel's page tables from `SYMBOL(init_top_pgt)` through physical memory (4 or 5
///   levels per `NUMBER(pgtable_l5_enabled)`, `NUMBER(sme_mask)` cleared), which holds whatever KASLR did
///   to `page_offset_base`; without the tables, the non-KASLR `page_offset_base`.
/// - aarch64: the image is address − `NUMBER(kimage_voffset)`; the linear map is address − `PAGE_OFFSET` +
///   `NUMBER(PHYS_OFFSET)`, with `PAGE_OFFSET` from `NUMBER(VA_BITS)`: since 5.4 the linear map is the lower
///   half of the kernel space (`-(1 << VA_BITS)`) and the image the upper; before, the other way round.
/// - s390x: identity. ppc64: address − `0xc000000000000000`.
struct KernelAddressTranslator {
    static let x86StartKernelMap: UInt64 = 0xffff_ffff_8000_0000
    /// x86_64's `page_offset_base` without KASLR, 4- and 5-level paging.
    static let x86PageOffset4: UInt64 = 0xffff_8880_0000_0000
    static let x86PageOffset5: UInt64 = 0xff11_0000_0000_0000
    static let ppc64PageOffset: UInt64 = 0xc000_0000_0000_0000
    /// Physical address bits of a page-table entry (bits 12–51).
    static let x86EntryMask: UInt64 = 0x000f_ffff_ffff_f000

    let arch: String?
    let info: [String: String]

    init(identity: KernelIdentity) {
        arch = identity.arch
        info = identity.vmcoreinfo
    }

    /// A VMCOREINFO `NUMBER(...)` value: decimal, or hex with `0x` (arm64 writes some that way).
    func number(_ name: String) -> Int64? {
        guard let text = info["NUMBER(\(name))"]?.trimmingCharacters(in: .whitespaces) else { return nil }
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            return UInt64(text.dropFirst(2), radix: 16).map { Int64(bitPattern: $0) }
        }
        return Int64(text)
    }

    func symbol(_ name: String) -> UInt64? {
        info["SYMBOL(\(name))"].flatMap { UInt64($0, radix: 16) }
    }

    /// The physical address of `address`, or nil when it cannot be translated.
    func physical(of address: UInt64, memory: KernelMemory) throws(DumpError) -> UInt64? {
        switch arch {
        case "x86_64": return try x86(address, memory: memory)
        case "aarch64": return arm64(address)
        case "s390x", "s390": return address
        case "ppc64", "ppc64le": return address >= Self.ppc64PageOffset ? address - Self.ppc64PageOffset : nil
        default: return nil
        }
    }

    private func x86(_ address: UInt64, memory: KernelMemory) throws(DumpError) -> UInt64? {
        let physBase = UInt64(bitPattern: number("phys_base") ?? 0)
        if address >= Self.x86StartKernelMap { return (address - Self.x86StartKernelMap) &+ physBase }
        if let top = symbol("init_top_pgt") ?? symbol("swapper_pg_dir"), top >= Self.x86StartKernelMap,
            let walked = try x86Walk(address, top: (top - Self.x86StartKernelMap) &+ physBase, memory: memory)
        {
            return walked
        }
        let base = number("pgtable_l5_enabled") == 1 ? Self.x86PageOffset5 : Self.x86PageOffset4
        return address >= base && address - base < 1 << 46 ? address - base : nil
    }

    /// Walks the x86_64 page tables rooted at physical `top`; nil when an entry is absent or not in the dump.
    private func x86Walk(_ address: UInt64, top: UInt64, memory: KernelMemory) throws(DumpError) -> UInt64? {
        let mask = Self.x86EntryMask & ~UInt64(bitPattern: number("sme_mask") ?? 0)
        var shifts: [UInt64] = [39, 30, 21, 12]
        if number("pgtable_l5_enabled") == 1 { shifts.insert(48, at: 0) }
        var table = top & mask
        for shift in shifts {
            let index = (address >> shift) & 0x1ff
            guard let entry = try memory.physicalWord(table + index * 8), entry & 1 != 0 else { return nil }
            // A large page (PS bit) at the 1 GiB or 2 MiB level ends the walk.
            if (shift == 30 || shift == 21), entry & 0x80 != 0 {
                let span: UInt64 = 1 << shift
                return (entry & mask & ~(span - 1)) | (address & (span - 1))
            }
            table = entry & mask
        }
        return table | (address & 0xfff)
    }

    private func arm64(_ address: UInt64) -> UInt64? {
        let voffset = number("kimage_voffset").map { UInt64(bitPattern: $0) }
        guard let vaBits = number("VA_BITS"), vaBits >= 36, vaBits <= 52,
            let physOffset = number("PHYS_OFFSET").map({ UInt64(bitPattern: $0) })
        else {
            guard let voffset, address >= voffset else { return nil }
            return address - voffset
        }
        let bottom = 0 &- (UInt64(1) << UInt64(vaBits))  // -(1 << VA_BITS)
        let middle = 0 &- (UInt64(1) << UInt64(vaBits - 1))  // -(1 << (VA_BITS - 1))
        let image = symbol("_stext") ?? symbol("init_uts_ns") ?? symbol("prb") ?? symbol("log_buf") ?? 0
        // Since 5.4 ("flipped" layout) the image lies in the upper half and the linear map in the lower.
        let flipped = image >= middle
        let linear = flipped ? address >= bottom && address < middle : address >= middle
        if linear {
            let pageOffset = flipped ? bottom : middle
            return (address - pageOffset) &+ physOffset
        }
        guard let voffset, address >= voffset else { return nil }
        return address - voffset
    }
}

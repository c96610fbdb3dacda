/// Kernel virtual → physical address translation from what VMCOREINFO records, for the few symbols
/// CAS reads from a dump's memory (`init_uts_ns`).
enum KernelAddress {
    /// x86_64's `__START_KERNEL_map`: kernel image addresses are this + physical − `phys_base`.
    static let x86StartKernelMap: UInt64 = 0xffff_ffff_8000_0000
    /// ppc64's `PAGE_OFFSET`: the kernel runs in the linear map.
    static let ppc64PageOffset: UInt64 = 0xc000_0000_0000_0000

    /// The physical address of kernel-image address `address`, or nil when this architecture's rule is unknown.
    static func physical(of address: UInt64, identity: KernelIdentity) -> UInt64? {
        let info = identity.vmcoreinfo
        switch identity.arch {
        case "x86_64":
            guard address >= x86StartKernelMap else { return nil }
            let physBase = info["NUMBER(phys_base)"].flatMap { Int64($0) } ?? 0
            return (address - x86StartKernelMap) &+ UInt64(bitPattern: physBase)
        case "aarch64":
            guard let text = info["NUMBER(kimage_voffset)"],
                let voffset = UInt64(text.hasPrefix("0x") ? String(text.dropFirst(2)) : text, radix: 16),
                address >= voffset
            else { return nil }
            return address - voffset
        case "ppc64", "ppc64le":
            return address >= ppc64PageOffset ? address - ppc64PageOffset : nil
        case "s390x":
            // Since 6.10 the kernel image has its own mapping (`__pa_nodebug`, arch/s390/include/asm/page.h):
            // image addresses from KERNELOFFSET map to KERNELOFFPHYS, the rest is the identity map at
            // IDENTITYBASE. Before, kernel addresses were physical.
            let hex = { (key: String) in info[key].flatMap { UInt64($0, radix: 16) } }
            guard let physicalBase = hex("KERNELOFFPHYS"), let virtualBase = hex("KERNELOFFSET") else { return address }
            if address >= virtualBase { return address - virtualBase &+ physicalBase }
            guard let identityBase = hex("IDENTITYBASE"), address >= identityBase else { return nil }
            return address - identityBase
        default:
            return nil
        }
    }

    /// The bytes to read at `init_uts_ns`: its `name` field may sit after a `struct kref` in old kernels.
    static let utsnameSpan = UTSName.size + 8

    /// The `new_utsname` in bytes read at `init_uts_ns`, using `OFFSET(uts_namespace.name)` when recorded.
    static func utsname(inInitUTSNamespace bytes: [UInt8], identity: KernelIdentity) -> UTSName? {
        let known = identity.vmcoreinfo["OFFSET(uts_namespace.name)"].flatMap { Int($0) }
        for offset in known.map({ [$0] }) ?? [0, 4, 8] where offset >= 0 && offset <= 8 {
            let uts = UTSName.parse(bytes, at: offset)
            if uts.sysname == "Linux" && !uts.release.isEmpty { return uts }
        }
        return nil
    }
}

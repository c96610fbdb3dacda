/// The architecture from every source a dump has, in order of trust, and the checks that tie them together.
///
/// Trust, highest first: the ELF header's `e_machine` (with its class and byte order); the kdump header's
/// `utsname.machine` when it names an architecture; the kernel's own `init_uts_ns.name.machine` read from
/// memory; VMCOREINFO keys only one architecture's `arch_crash_save_vmcoreinfo()` writes; the
/// architecture a distribution release string ends with. The byte order and page size (block size) the
/// dump's headers have are checked against the architecture chosen.
extension Architecture {
    /// Facts about the dump's container the architecture must agree with.
    struct ContainerFacts {
        /// The byte order the headers are written in, and which header ("kdump header", "ELF header").
        var order: ByteOrder?
        var orderSource = ""
        /// kdump `block_size` (the dumping machine's page size).
        var blockSize: Int?
        /// Whether the kdump header was read with the 64-bit layout.
        var headerWide: Bool?
    }

    /// Keys only one architecture writes into VMCOREINFO (arch/*/kernel/vmcore_info*.c and, before 6.9,
    /// machine_kexec*.c), in the order they are tried. "ppc64*" is resolved by byte order and width, and
    /// arm64 in a big-endian container is aarch64_be.
    static let vmcoreinfoKeys: [(key: String, arch: String)] = [
        ("NUMBER(kimage_voffset)", "aarch64"), ("NUMBER(TCR_EL1_T1SZ)", "aarch64"),
        ("NUMBER(KERNELPACMASK)", "aarch64"),
        ("SYMBOL(lowcore_ptr)", "s390x"), ("LENGTH(lowcore_ptr)", "s390x"), ("SAMODE31", "s390x"),
        ("EAMODE31", "s390x"), ("KERNELOFFPHYS", "s390x"),
        ("NUMBER(phys_base)", "x86_64"), ("SYMBOL(phys_base)", "x86_64"), ("SYMBOL(init_top_pgt)", "x86_64"),
        ("SYMBOL(init_level4_pgt)", "x86_64"), ("NUMBER(pgtable_l5_enabled)", "x86_64"),
        ("NUMBER(sme_mask)", "x86_64"),
        ("NUMBER(RADIX_MMU)", "ppc64*"), ("SYMBOL(mmu_psize_defs)", "ppc64*"), ("SYMBOL(vmemmap_list)", "ppc64*"),
        ("SYMBOL(mmu_vmemmap_psize)", "ppc64*"),
        ("NUMBER(phys_ram_base)", "riscv64"), ("NUMBER(va_kernel_pa_offset)", "riscv64"),
        ("NUMBER(KERNEL_LINK_ADDR)", "riscv64"),
        ("CONFIG_X86_PAE", "i386"),
    ]

    /// Source labels by trust; a label starts with one of these.
    private static let trustOrder = ["ELF", "kdump header", "kernel utsname", "VMCOREINFO", "OSRELEASE"]

    /// Records that `source` names `arch` (kept once per source).
    static func claim(_ arch: String?, source: String, in identity: inout KernelIdentity) {
        guard let arch, !identity.archSources.contains(where: { $0.source == source }) else { return }
        identity.archSources.append(ArchitectureSource(source: source, arch: arch))
    }

    /// Adds the VMCOREINFO and release claims, sets ``KernelIdentity/arch`` from the most trusted source
    /// and lists every disagreement in ``KernelIdentity/conflicts``. Can be called again as sources are read.
    static func resolve(_ identity: inout KernelIdentity, facts: ContainerFacts) {
        identity.archSources.removeAll { $0.source.hasPrefix("VMCOREINFO") || $0.source.hasPrefix("OSRELEASE") }
        for (arch, key) in fromVMCOREINFO(identity.vmcoreinfo, facts: facts) {
            claim(arch, source: "VMCOREINFO \(key)", in: &identity)
        }
        if let release = identity.release, let arch = fromRelease(release) {
            claim(arch, source: "OSRELEASE suffix", in: &identity)
        }
        identity.archSources = identity.archSources.enumerated().sorted {
            (rank($0.element.source), $0.offset) < (rank($1.element.source), $1.offset)
        }.map(\.element)
        identity.arch = identity.archSources.first?.arch
        identity.conflicts = conflicts(identity, facts: facts)
    }

    /// The architectures VMCOREINFO's keys point to, each with the first key that named it.
    static func fromVMCOREINFO(_ map: [String: String], facts: ContainerFacts) -> [(arch: String, key: String)] {
        var found: [(arch: String, key: String)] = []
        for (key, family) in vmcoreinfoKeys where map[key] != nil {
            var arch = family
            if family == "ppc64*" {
                arch = facts.headerWide == false ? "ppc" : facts.order == .little ? "ppc64le" : "ppc64"
            } else if family == "aarch64", facts.order == .big {
                arch = "aarch64_be"
            }
            if !found.contains(where: { $0.arch == arch }) { found.append((arch, key)) }
        }
        return found
    }

    /// The architecture a distribution release ends with (`….el9.s390x`, `…-arm64`), nil when none.
    static func fromRelease(_ release: String) -> String? {
        guard let last = release.split(whereSeparator: { $0 == "." || $0 == "-" }).last,
            let name = known(machine: String(last)), isWide(name) != nil || byteOrder(name) != nil
        else { return nil }
        return name
    }

    private static func rank(_ source: String) -> Int {
        trustOrder.firstIndex(where: { source.hasPrefix($0) }) ?? trustOrder.count
    }

    /// One sentence per disagreement between the chosen architecture and the other sources or the container.
    static func conflicts(_ identity: KernelIdentity, facts: ContainerFacts) -> [String] {
        guard let chosen = identity.archSources.first else { return [] }
        var lines: [String] = []
        for other in identity.archSources.dropFirst() where other.arch != chosen.arch {
            lines.append("\(other.source) says \(other.arch), \(chosen.source) says \(chosen.arch) (used)")
        }
        let arch = chosen.arch
        if let order = facts.order, let expected = byteOrder(arch), order != expected {
            lines.append("the \(facts.orderSource) is \(order.name), but \(arch) is \(expected.name)")
        }
        if let wide = facts.headerWide, let archWide = isWide(arch), wide != archWide {
            lines.append("the kdump header was read with the \(wide ? 64 : 32)-bit layout, but \(arch) is "
                + "\(archWide ? 64 : 32)-bit")
        }
        if let blockSize = facts.blockSize {
            let pageSize = identity.vmcoreinfo["PAGESIZE"].flatMap { Int($0) }
            if let pageSize, pageSize != blockSize {
                lines.append("the kdump block_size is \(blockSize), but VMCOREINFO PAGESIZE is \(pageSize)")
            }
            if let sizes = pageSizes(arch), !sizes.contains(blockSize) {
                lines.append("the kdump block_size \(blockSize) is not a page size of \(arch)")
            }
        }
        return lines
    }
}

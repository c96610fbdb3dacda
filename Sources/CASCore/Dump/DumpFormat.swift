/// The kind of crash dump a file is, told by its magic bytes, never by its name.
public enum DumpFormat: Sendable, Equatable, Codable {
    /// ELF core (`e_type == ET_CORE`), 32 or 64-bit, either byte order.
    case elf
    /// makedumpfile's kdump-compressed format (`KDUMP   `).
    case kdumpCompressed
    /// The diskdump format (`DISKDUMP`).
    case diskdump
    /// makedumpfile's flattened format (`makedumpfile\0\0\0\0`).
    case flattened
    /// A dump format crash knows that CAS recognises but cannot identify (LKCD, s390, sadump, VMware, Xen,
    /// or an ELF executable given by mistake); the text names it.
    case unsupported(String)

    /// How many leading bytes ``sniff(_:)`` needs at most.
    public static let sniffLength = 4096

    static let kdumpSignature = Array("KDUMP   ".utf8)
    static let diskdumpSignature = Array("DISKDUMP".utf8)
    static let flattenedSignature = Array("makedumpfile".utf8) + [0, 0, 0, 0]
    static let sadumpSignature = Array("sadump".utf8) + [0, 0]
    static let elfMagic: [UInt8] = [0x7f, 0x45, 0x4c, 0x46]
    static let elfExecutableMessage =
        "ELF executable/shared object, not a core: did you give the vmlinux instead of the dump?"

    /// The format of data starting with `prefix`, or nil when it is not a dump at all.
    ///
    /// Only magic numbers are used; a prefix shorter than a format's magic is not that format.
    public static func sniff(_ prefix: [UInt8]) -> DumpFormat? {
        if prefix.matches(elfMagic, at: 0) { return sniffELF(prefix) }
        if prefix.matches(kdumpSignature, at: 0) { return .kdumpCompressed }
        if prefix.matches(diskdumpSignature, at: 0) { return .diskdump }
        if prefix.matches(flattenedSignature, at: 0) { return .flattened }
        if prefix.matches(sadumpSignature, at: 0) { return .unsupported("sadump (Fujitsu stand-alone dump)") }
        let little = HeaderBytes(prefix, order: .little)
        let big = HeaderBytes(prefix, order: .big)
        for magic in [little.u64(0), big.u64(0)].compactMap({ $0 }) {
            switch magic {
            case 0xa819_0173_618f_23ed: return .unsupported("LKCD dump")
            case 0xa819_0173_618f_23fd, 0xa819_0173_618f_23fe: return .unsupported("s390 stand-alone dump")
            default: break
            }
        }
        switch little.u32(0) {
        case 0xbed0_bed0, 0xbed2_bed2, 0xbed3_bed3, 0xbad1_bad1, 0xbad2_bad2:
            return .unsupported("VMware suspended-state file (.vmss/.vmsn)")
        case 0xf00f_ebed: return .unsupported("Xen xc_core dump")
        case 0xf00f_ebee: return .unsupported("Xen xc_core HVM dump")
        default: return nil
        }
    }

    /// ELF: a core is a dump; executables, shared objects and relocatables are named as the likely mistake.
    private static func sniffELF(_ prefix: [UInt8]) -> DumpFormat? {
        guard let data = prefix.count > 5 ? prefix[5] : nil, data == 1 || data == 2,
            let type = HeaderBytes(prefix, order: data == 1 ? .little : .big).u16(16)
        else { return nil }
        switch type {
        case 4: return .elf
        case 1, 2, 3: return .unsupported(elfExecutableMessage)
        default: return nil
        }
    }
}

extension DumpFormat: CustomStringConvertible {
    /// Short name of the format for messages.
    public var description: String {
        switch self {
        case .elf: "ELF core"
        case .kdumpCompressed: "kdump-compressed"
        case .diskdump: "diskdump"
        case .flattened: "flattened kdump-compressed"
        case .unsupported(let name): name
        }
    }
}

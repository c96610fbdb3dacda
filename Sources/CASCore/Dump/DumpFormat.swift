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

    static let kdumpMagic = Array("KDUMP   ".utf8)
    static let diskdumpMagic = Array("DISKDUMP".utf8)
    static let flattenedMagic = Array("makedumpfile".utf8) + [0, 0, 0, 0]
    static let elfMagic: [UInt8] = [0x7f, 0x45, 0x4c, 0x46]

    /// The format of data starting with `prefix`, or nil when it is not a dump at all.
    public static func sniff(_ prefix: [UInt8]) -> DumpFormat? {
        let bytes = Bytes(prefix)
        if bytes.hasPrefix(elfMagic) {
            let big = bytes.u8(5) == 2
            guard let type = Bytes(prefix, bigEndian: big).u16(16) else { return nil }
            if type == 4 {
                // A Xen hypervisor core is an ELF core with a .note.Xen section; crash reads it as xendump.
                return containsXenNote(prefix) ? .unsupported("Xen ELF core (xendump)") : .elf
            }
            let kind =
                switch type {
                case 1: "ELF relocatable object (a kernel module?)"
                case 2: "ELF executable"
                case 3: "ELF shared object"
                default: "ELF file of type \(type)"
                }
            return .unsupported("\(kind), not a core: was the vmlinux or a module given instead of the dump?")
        }
        if bytes.hasPrefix(kdumpMagic) { return .kdumpCompressed }
        if bytes.hasPrefix(diskdumpMagic) { return .diskdump }
        if bytes.hasPrefix(flattenedMagic) { return .flattened }
        if let name = otherFormat(bytes) { return .unsupported(name) }
        return nil
    }

    /// Formats crash reads that CAS does not: their magic numbers from crash's sources.
    static func otherFormat(_ bytes: Bytes) -> String? {
        for big in [false, true] {
            let b = Bytes(bytes.data, bigEndian: big)
            switch b.u64(0) {
            case 0xa819_0173_618f_23ed: return "LKCD dump"
            case 0xa819_0173_618f_23fd: return "s390 stand-alone dump"
            default: break
            }
            switch b.u32(0) {
            case 0xbed2_bed0, 0xbad1_bad1, 0xbed2_bed2, 0xbed3_bed3: return "VMware suspended state (.vmss/.vmsn)"
            case 0xf00f_ebed, 0xf00f_ebee: return "Xen xc_core dump"
            default: break
            }
        }
        // s390 dump tools: "ZLINUX" (zfcpdump/DASD dumper) header magic at offset 0, big-endian.
        if Bytes(bytes.data, bigEndian: true).u64(0) == 0xa819_0173_618f_23fd { return "s390 stand-alone dump" }
        // sadump: the partition header signature "sadump\0\0" sits at the start of its second block.
        for offset in [0, 4096] where bytes.hasPrefix(Array("sadump\0\0".utf8), at: offset) {
            return "sadump dump"
        }
        return nil
    }

    static func containsXenNote(_ prefix: [UInt8]) -> Bool {
        let needle = Array(".note.Xen".utf8)
        guard prefix.count >= needle.count else { return false }
        return (0...(prefix.count - needle.count)).contains { i in prefix[i..<i + needle.count].elementsEqual(needle) }
    }

    /// Human name for messages and `cas identify`.
    public var name: String {
        switch self {
        case .elf: "ELF core"
        case .kdumpCompressed: "kdump-compressed"
        case .diskdump: "diskdump"
        case .flattened: "makedumpfile flattened"
        case .unsupported(let what): what
        }
    }
}

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

    /// The format of data starting with `prefix`, or nil when it is not a dump at all.
    /// (Skeleton: the Dump stage fills this in.)
    public static func sniff(_ prefix: [UInt8]) -> DumpFormat? {
        nil
    }
}

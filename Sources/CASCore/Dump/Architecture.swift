import Foundation

/// Normalised architecture names (what `uname -m` says on the usual distributions, with 32-bit x86
/// as i386 and 32-bit ARM as arm), from an ELF `e_machine` or a dump's utsname machine field.
enum Architecture {
    /// The architecture of an ELF core's `e_machine`, class and byte order; nil for an unknown machine.
    static func fromELF(machine: UInt16, wide: Bool, order: ByteOrder) -> String? {
        switch machine {
        case 2: "sparc"
        case 3: "i386"
        case 8: wide ? "mips64" : "mips"
        case 15: "parisc"
        case 20: "ppc"
        case 21: order == .little ? "ppc64le" : "ppc64"
        case 22: wide ? "s390x" : "s390"
        case 40: "arm"
        case 43: "sparc64"
        case 50: "ia64"
        case 62: "x86_64"
        case 183: order == .big ? "aarch64_be" : "aarch64"
        case 243: wide ? "riscv64" : "riscv32"
        case 258: "loongarch64"
        case 0x9026: "alpha"
        default: nil
        }
    }

    /// The normalised name of a utsname machine string (`i686` → i386, `armv7l` → arm…); unknown names kept.
    static func normalise(machine: String) -> String? {
        let name = machine.trimmingBlanks().lowercased()
        guard !name.isEmpty else { return nil }
        if ["i386", "i486", "i586", "i686", "x86"].contains(name) { return "i386" }
        if name == "amd64" || name == "x86_64" { return "x86_64" }
        if name == "arm64" || name == "aarch64" { return "aarch64" }
        if name.hasPrefix("arm") { return "arm" }
        if name == "powerpc64le" { return "ppc64le" }
        if name == "powerpc64" { return "ppc64" }
        if name == "powerpc" { return "ppc" }
        return name
    }

    /// The normalised name of a utsname machine string only when it can name an architecture: QEMU writes
    /// "Unknown" for arm64, and an empty name, "(none)" or text with spaces is no evidence either.
    static func known(machine: String) -> String? {
        guard let name = normalise(machine: machine), name != "unknown", name.utf8.count <= 16,
            let first = name.utf8.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z"),
            name.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5f })
        else { return nil }
        return name
    }

    /// The byte order an architecture's kernels run in; nil when it is bi-endian in practice (arm, mips).
    static func byteOrder(_ arch: String) -> ByteOrder? {
        switch arch {
        case "x86_64", "i386", "aarch64", "ppc64le", "riscv64", "riscv32", "loongarch64", "ia64", "alpha": .little
        case "s390x", "s390", "ppc64", "ppc", "sparc", "sparc64", "parisc", "aarch64_be": .big
        default: nil
        }
    }

    /// The page sizes an architecture's Linux kernels are built with; nil when CAS does not know them.
    static func pageSizes(_ arch: String) -> [Int]? {
        switch arch {
        case "x86_64", "i386", "s390x", "s390", "riscv64", "riscv32": [4096]
        case "aarch64", "aarch64_be", "loongarch64": [4096, 16384, 65536]
        case "ppc64", "ppc64le": [4096, 65536]
        default: nil
        }
    }

    /// Whether the dumping machine of that (normalised) name has 64-bit `long`s; nil when unknown.
    static func isWide(_ arch: String) -> Bool? {
        switch arch {
        case "x86_64", "aarch64", "aarch64_be", "ppc64", "ppc64le", "s390x", "riscv64", "mips64", "sparc64", "ia64",
            "loongarch64", "alpha":
            true
        case "i386", "arm", "ppc", "s390", "riscv32", "mips", "sparc", "parisc":
            false
        default:
            nil
        }
    }
}

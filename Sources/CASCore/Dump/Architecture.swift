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
        case 183: "aarch64"
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

    /// Whether the dumping machine of that (normalised) name has 64-bit `long`s; nil when unknown.
    static func isWide(_ arch: String) -> Bool? {
        switch arch {
        case "x86_64", "aarch64", "ppc64", "ppc64le", "s390x", "riscv64", "mips64", "sparc64", "ia64",
            "loongarch64", "alpha":
            true
        case "i386", "arm", "ppc", "s390", "riscv32", "mips", "sparc", "parisc":
            false
        default:
            nil
        }
    }
}

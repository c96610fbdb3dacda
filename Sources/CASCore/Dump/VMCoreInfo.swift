import Foundation

/// The VMCOREINFO text the kernel exports for dump tools: `KEY=value` lines.
enum VMCoreInfo {
    /// The largest VMCOREINFO block accepted (the kernel's own is one page).
    static let maxSize = 1 << 20

    /// Parses `KEY=value` lines; other lines are ignored.
    static func parse(_ bytes: [UInt8]) -> [String: String] {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        var map: [String: String] = [:]
        for line in String(decoding: bytes[..<end], as: UTF8.self).split(whereSeparator: \.isNewline) {
            guard let eq = line.firstIndex(of: "="), eq != line.startIndex else { continue }
            map[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return map
    }

    /// Fills the identity fields VMCOREINFO carries.
    static func apply(_ map: [String: String], to identity: inout KernelIdentity) {
        identity.vmcoreinfo.merge(map) { _, new in new }
        if let release = map["OSRELEASE"], !release.isEmpty { identity.release = release }
        if let id = map["BUILD-ID"], !id.isEmpty { identity.buildId = id.lowercased() }
        if let size = map["PAGESIZE"].flatMap({ Int($0) }), size > 0 { identity.pageSize = size }
        if let offset = map["KERNELOFFSET"].flatMap({ UInt64($0, radix: 16) }) { identity.kernelOffset = offset }
        if let time = map["CRASHTIME"].flatMap({ Int64($0) }), time > 0 {
            identity.crashTime = Date(timeIntervalSince1970: TimeInterval(time))
        }
    }
}

/// Architecture names, normalised to what `uname -m` prints on the usual distributions.
enum Architecture {
    /// From ELF `e_machine`, class and byte order.
    static func fromELF(machine: UInt16, is64: Bool, bigEndian: Bool) -> String {
        switch machine {
        case 3: "i386"
        case 62: "x86_64"
        case 183: "aarch64"
        case 40: "arm"
        case 21: bigEndian ? "ppc64" : "ppc64le"
        case 20: "ppc"
        case 22: is64 ? "s390x" : "s390"
        case 243: is64 ? "riscv64" : "riscv32"
        case 258: "loongarch64"
        case 8: is64 ? (bigEndian ? "mips64" : "mips64el") : (bigEndian ? "mips" : "mipsel")
        case 43: "sparc64"
        case 50: "ia64"
        case 2: "sparc"
        default: "unknown-\(machine)"
        }
    }

    /// From a `uname -m` string as a dump header records it.
    static func normalise(_ machine: String) -> String {
        switch machine {
        case "i386", "i486", "i586", "i686", "x86": "i386"
        case "amd64", "x86_64": "x86_64"
        case "arm64", "aarch64": "aarch64"
        case "ppc64el": "ppc64le"
        case let m where m.hasPrefix("armv"): "arm"
        default: machine
        }
    }

    /// True for machines whose dump headers use 64-bit words.
    static func is64Bit(_ machine: String) -> Bool? {
        switch normalise(machine) {
        case "x86_64", "aarch64", "ppc64", "ppc64le", "s390x", "riscv64", "loongarch64", "mips64", "mips64el",
            "sparc64", "ia64", "alpha":
            true
        case "i386", "arm", "ppc", "s390", "riscv32", "mips", "mipsel", "sparc": false
        default: nil
        }
    }
}

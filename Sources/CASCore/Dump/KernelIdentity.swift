import Foundation

/// What a dump says about the kernel that crashed, read from its headers.
public struct KernelIdentity: Sendable, Codable, Equatable {
    /// The dump's format, e.g. "ELF64 core (little-endian)", "kdump-compressed v6", "flattened kdump-compressed v6".
    public var format: String
    /// kdump/diskdump header version.
    public var headerVersion: Int?
    /// makedumpfile dump level (0–31), when recorded.
    public var dumpLevel: Int?
    /// Page compression named by the header ("zlib", "lzo", "snappy", "zstd"), when it says.
    public var pageCompression: String?
    /// `uname -r`.
    public var release: String?
    /// `uname -v`.
    public var version: String?
    /// Normalised architecture: x86_64, i386, aarch64, arm, ppc64, ppc64le, s390x, riscv64, …
    public var arch: String?
    public var nodename: String?
    /// GNU build ID of the kernel, lowercase hex.
    public var buildId: String?
    /// When the kernel crashed, if the dump records it.
    public var crashTime: Date?
    public var pageSize: Int?
    /// KASLR offset (`KERNELOFFSET=`), when recorded.
    public var kernelOffset: UInt64?
    /// The `Linux version …` banner when found.
    public var banner: String?
    /// Every VMCOREINFO key and value.
    public var vmcoreinfo: [String: String]
    /// Where the VMCOREINFO came from: "ELF note", "kdump sub-header", "s390x lowcore", "memory scan"; nil without.
    public var vmcoreinfoSource: String?
    /// Every source that named an architecture, most trusted first; ``arch`` is the first one's.
    public var archSources: [ArchitectureSource] = []
    /// Where the dump's own sources disagree (architecture, byte order, page size), one sentence each.
    public var conflicts: [String] = []

    public init(format: String) {
        self.format = format
        vmcoreinfo = [:]
    }
}

/// One source's word on a dump's architecture.
public struct ArchitectureSource: Sendable, Codable, Equatable {
    /// Where it was read: "ELF e_machine", "kdump header utsname.machine", "VMCOREINFO NUMBER(kimage_voffset)"…
    public var source: String
    /// The normalised architecture it names.
    public var arch: String

    public init(source: String, arch: String) {
        self.source = source
        self.arch = arch
    }
}

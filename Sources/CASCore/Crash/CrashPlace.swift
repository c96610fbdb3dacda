import Foundation

/// Where a job's crash runs: here, here with `crash_32`, or on an analysis server of the dump's architecture.
public enum CrashPlace: Sendable, Equatable {
    /// On this host with the configured crash.
    case local
    /// On this host with the 32-bit x86 crash (`crash_32` in [advanced]) at this path.
    case crash32(String)
    /// On a server of this (normalised) architecture; the servers stage picks it.
    case remote(arch: String)

    /// Decides where to run from the dump's and the host's architecture and two settings.
    ///
    /// - `localAnalysis = false`: always remote (a front-end host runs no crash itself).
    /// - same architecture: local.
    /// - i386/i686 dump on an x86_64 host with `crash_32` set: crash_32.
    /// - anything else: remote.
    public static func choose(
        dumpArch: String, hostArch: String, crash32: String?, localAnalysis: Bool
    ) -> CrashPlace {
        let dump = normalized(dumpArch)
        guard localAnalysis else { return .remote(arch: dump) }
        let host = normalized(hostArch)
        if dump == host { return .local }
        if dump == "i386", host == "x86_64", let crash32, !crash32.isEmpty { return .crash32(crash32) }
        return .remote(arch: dump)
    }

    /// One name per architecture: `i686`/`x86` → `i386`, `amd64` → `x86_64`, `arm64` → `aarch64`…
    public static func normalized(_ arch: String) -> String {
        switch arch.lowercased() {
        case "i386", "i486", "i586", "i686", "x86", "ia32": "i386"
        case "x86_64", "amd64", "x86-64", "x64": "x86_64"
        case "aarch64", "arm64": "aarch64"
        case "ppc64le", "powerpc64le": "ppc64le"
        case "ppc64", "powerpc64": "ppc64"
        case let other: other
        }
    }

    /// This host's machine name, as `uname -m` prints it.
    public static func hostArchitecture() -> String {
        var name = utsname()
        guard uname(&name) == 0 else { return "unknown" }
        return withUnsafeBytes(of: &name.machine) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }
}

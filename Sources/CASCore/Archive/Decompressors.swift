#if canImport(Glibc)
    import Glibc
#endif

/// Which decompressors read the outermost compressed layer of an upload (`[advanced] decompressors`).
///
/// A program runs as a separate process over the upload (``DecompressorProcess``): decompression then runs
/// beside our parsing and writing and, for the parallel programs, on every core. Measured on two cores
/// (`make bench`), that wins where the program is parallel: `lbzip2` for bzip2 (2.8× faster than in-process
/// on 313 MiB of compressed dump pages, 1.7× on the 64 MiB fixture ELF) and `xz -T0` for xz files of several
/// blocks (what xz ≥ 5.4 writes with `-T`); it loses where the pipe costs more than it saves: single-block
/// xz, and gzip (`pigz -d` decodes on one thread: 3× slower than zlib in-process on the pages).
/// - `auto` (default): `lbzip2` for bzip2 and `xz -T0` for multi-block xz on a multi-core machine, when
///   installed; libarchive in-process for everything else.
/// - `programs`: every installed program (also `pigz` for gzip, and `xz` on single-block files).
/// - `builtin`: libarchive in-process only.
public enum Decompressors: String, Sendable, CaseIterable {
    case auto
    case programs
    case builtin

    /// One external decompressor: the command we start and the compression format it reads.
    struct Program: Sendable, Equatable {
        /// Compression format, as libarchive names its own filter ("gzip").
        let format: String
        /// The command line (fixed text, no user input): "/usr/bin/pigz -dc".
        let command: String
        /// Leading bytes that select it.
        let signature: [UInt8]
        /// The program's name ("lbzip2").
        var tool: String { command.split(separator: " ").first?.split(separator: "/").last.map(String.init) ?? command }
    }

    /// The programs this choice may use, of those installed.
    var programs: [Program] {
        switch self {
        case .builtin: []
        case .programs: Self.installed
        case .auto: Self.installed.filter { $0.format != "gzip" }
        }
    }

    /// Installed decompressor programs, looked up at fixed system paths (never through PATH).
    static let installed: [Program] = {
        func find(_ name: String) -> String? {
            ["/usr/bin/", "/bin/"].map { $0 + name }.first { access($0, X_OK) == 0 }
        }
        var found: [Program] = []
        if let xz = find("xz") {
            found.append(Program(format: "xz", command: xz + " -T0 -dc", signature: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]))
        }
        if let pigz = find("pigz") {
            found.append(Program(format: "gzip", command: pigz + " -dc", signature: [0x1F, 0x8B, 0x08]))
        }
        if let lbzip2 = find("lbzip2") {
            found.append(Program(format: "bzip2", command: lbzip2 + " -dc", signature: Array("BZh".utf8)))
        }
        return found
    }()

    /// "lbzip2 for bzip2, xz for multi-block xz; others in-process" for `cas-admin check`.
    public var summary: String {
        let used = programs.map { program in
            "\(program.tool) for \(self == .auto && program.format == "xz" ? "multi-block " : "")\(program.format)"
        }
        return used.isEmpty ? "libarchive in-process" : used.joined(separator: ", ") + "; others in-process"
    }
}

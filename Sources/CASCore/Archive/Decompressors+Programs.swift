#if canImport(Glibc)
    import Glibc
#endif

/// The programs behind each ``Decompressors`` choice: Archive's knowledge of what is installed and what
/// each program reads.
extension Decompressors {
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

import Foundation

/// `-m` with debuginfod: the GNU build IDs of loaded modules, read from the dump by a short crash session.
///
/// crash prints no module build IDs, so the session asks gdb (through crash's `gdb` command) for the bytes
/// that hold them, in the kernel's own structures, three ways, each failing cleanly where the kernel lacks
/// it (gdb prints an error and crash goes on):
/// - (a) `struct module`'s `build_id[BUILD_ID_SIZE_MAX]` (CONFIG_STACKTRACE_BUILD_ID, 5.19+);
/// - (b) the module's SHT_NOTE sections as sysfs keeps them (`mod->notes_attrs->attrs[i]`: `private` is the
///   section's address, `size` its size; CONFIG_SYSFS and CONFIG_KALLSYMS);
/// - (c) the start of the module's core read-only data (`mem[MOD_RODATA]` on 6.4+, `core_layout` before, the
///   `module_core` fields before 4.5), scanned for a note named "GNU" of type NT_GNU_BUILD_ID.
/// Each answer is framed by `gdb echo` markers and parsed strictly (gdb's `x/Nxb` lines, `p/x` values).
public enum ModuleBuildIds {
    public static let inputName = JobLayout.modulesProbeInput
    public static let outputName = JobLayout.modulesProbeOutput
    /// Note sections looked at per module (b): build ID, `.note.Linux`, `.note.gnu.property`… come first.
    static let noteSections = 4
    /// Bytes read at each note section (b): a note header, "GNU\0" and a descriptor of up to 64 bytes.
    static let noteBytes = 16 + 64
    /// Bytes of read-only data scanned (c); the build-ID note is among a module's first allocated sections.
    static let rodataBytes = 256
    /// `BUILD_ID_SIZE_MAX` (a).
    static let structBytes = 20
    /// NT_GNU_BUILD_ID.
    static let buildIdType: UInt32 = 3

    /// A loaded module: its name and the address of its `struct module` (crash's `mod` MODULE column).
    public struct Module: Sendable, Equatable {
        public var name: String
        public var address: String
        public init(name: String, address: String) {
            self.name = name
            self.address = address
        }
    }

    /// The modules of a `mod` table with the address of their `struct module`; rows whose name or address is
    /// not plain (a module name is letters, digits, `_` and `-`) are left out.
    public static func modules(inTable text: String) -> [Module] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(whereSeparator: \.isWhitespace)
            guard fields.count >= 5, (8...16).contains(fields[0].count), fields[0].allSatisfy(\.isHexDigit),
                fields[2].allSatisfy(\.isHexDigit), fields[3].allSatisfy(\.isNumber), isModuleName(fields[1])
            else { return nil }
            return Module(name: String(fields[1]), address: fields[0].lowercased())
        }
    }

    /// True for a name crash and the cache can take as it is: 1 to 64 of letters, digits, `_`, `-`.
    public static func isModuleName<S: StringProtocol>(_ name: S) -> Bool {
        (1...64).contains(name.count)
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    /// The probe session's `crash.in` for `modules`.
    public static func probeInput(_ modules: [Module]) -> String {
        var lines: [String] = []
        for module in modules {
            let m = "((struct module *)0x\(module.address))"
            lines += [
                "gdb echo cas-module \(module.address)\\n",
                "gdb echo cas-probe struct\\n",
                "gdb x/\(structBytes)xb \(m)->build_id",
                "gdb echo cas-probe notes\\n",
                "gdb p/x \(m)->notes_attrs->notes",
            ]
            for index in 0..<noteSections {
                lines += [
                    "gdb echo cas-probe note-size \(index)\\n",
                    "gdb p/x \(m)->notes_attrs->attrs[\(index)].size",
                    "gdb echo cas-probe note \(index)\\n",
                    "gdb x/\(noteBytes)xb \(m)->notes_attrs->attrs[\(index)].private",
                ]
            }
            lines += [
                "gdb echo cas-probe rodata\\n",
                "gdb x/\(rodataBytes)xb \(m)->mem[MOD_RODATA].base",
                "gdb x/\(rodataBytes)xb (char *)\(m)->core_layout.base + \(m)->core_layout.text_size",
                "gdb x/\(rodataBytes)xb (char *)\(m)->module_core + \(m)->core_text_size",
            ]
        }
        return CrashInput.text(snippets: [lines.joined(separator: "\n")])
    }

    /// What the probe found for one module.
    public struct Found: Sendable, Equatable {
        /// The build ID in lowercase hex, nil when none of the three ways gave one.
        public var buildId: String?
        /// Which way it came from: "struct module", "notes", "rodata".
        public var via: String?
    }

    /// The answers of one module in the probe's output.
    struct Answers {
        var structBytes: [UInt8] = []
        var noteCount: Int?
        var noteSizes: [Int: Int] = [:]
        var notes: [Int: [UInt8]] = [:]
        var rodata: [UInt8] = []
    }

    /// The build IDs in the probe's output, by `struct module` address (lowercase hex).
    public static func parse(_ output: String) -> [String: Found] {
        var answers: [String: Answers] = [:]
        var module: String?
        var probe = ""
        var bytes = ByteLines()
        func flush() {
            guard let module else { return }
            let read = bytes.bytes
            bytes = ByteLines()
            guard !read.isEmpty else { return }
            if probe == "struct" {
                answers[module, default: Answers()].structBytes = read
            } else if probe.hasPrefix("note "), let index = Int(probe.dropFirst(5)) {
                answers[module, default: Answers()].notes[index] = read
            } else if probe == "rodata", answers[module, default: Answers()].rodata.isEmpty {
                answers[module, default: Answers()].rodata = read
            }
        }
        for raw in output.split(whereSeparator: \.isNewline) {
            let line = String(raw)
            if line.hasPrefix("cas-module ") {
                flush()
                let address = String(line.dropFirst(11))
                module = address.allSatisfy(\.isHexDigit) && !address.isEmpty ? address.lowercased() : nil
                probe = ""
                continue
            }
            if line.hasPrefix("cas-probe ") {
                flush()
                probe = String(line.dropFirst(10))
                continue
            }
            guard let module else { continue }
            if let value = printedValue(line) {
                if probe == "notes" {
                    answers[module, default: Answers()].noteCount = value
                } else if probe.hasPrefix("note-size "), let index = Int(probe.dropFirst(10)) {
                    answers[module, default: Answers()].noteSizes[index] = value
                }
                continue
            }
            if probe == "rodata", !bytes.bytes.isEmpty, line.hasPrefix("0x"), !bytes.take(line) {
                // A second layout's answer after the first one's: keep the first.
                flush()
                continue
            }
            _ = bytes.take(line)
        }
        flush()
        return answers.mapValues(choose)
    }

    /// The build ID of one module's answers, in the order (a), (b), (c); (a) gives way to (b) or (c) only
    /// when they found the same ID shorter (a shorter ID is zero-padded to BUILD_ID_SIZE_MAX in `build_id`).
    static func choose(_ answers: Answers) -> Found {
        var fromNotes: String?
        if let count = answers.noteCount {
            for index in 0..<min(count, noteSections) {
                guard let read = answers.notes[index], let size = answers.noteSizes[index], size > 0 else { continue }
                if let id = ELFNotes.gnuBuildId(in: Array(read.prefix(size)), scan: false) {
                    fromNotes = id
                    break
                }
            }
        }
        let fromRodata = ELFNotes.gnuBuildId(in: answers.rodata, scan: true)
        let exact = fromNotes.map { ($0, "notes") } ?? fromRodata.map { ($0, "rodata") }
        if answers.structBytes.count == structBytes, answers.structBytes.contains(where: { $0 != 0 }) {
            let whole = answers.structBytes.map { String(format: "%02x", $0) }.joined()
            if let (id, via) = exact, whole.hasPrefix(id), whole.dropFirst(id.count).allSatisfy({ $0 == "0" }) {
                return Found(buildId: id, via: via)
            }
            return Found(buildId: whole, via: "struct module")
        }
        return Found(buildId: exact?.0, via: exact?.1)
    }

    /// The value of a gdb `p/x` answer (`$12 = 0x24`), nil for any other line.
    static func printedValue(_ line: String) -> Int? {
        guard line.hasPrefix("$"), let equals = line.range(of: " = 0x") else { return nil }
        let number = line[line.index(after: line.startIndex)..<equals.lowerBound]
        let hex = line[equals.upperBound...]
        guard !number.isEmpty, number.allSatisfy(\.isNumber), (1...8).contains(hex.count), hex.allSatisfy(\.isHexDigit)
        else { return nil }
        return Int(hex, radix: 16)
    }
}

/// The bytes of consecutive gdb `x/Nxb` lines (`0xADDR <symbol+off>:\t0x04\t0x00…`), kept only while each
/// line starts where the previous one ended.
struct ByteLines {
    var bytes: [UInt8] = []
    private var next: UInt64?

    /// Adds `line`'s bytes; false (nothing added) when it is not an `x` line continuing the bytes so far.
    mutating func take(_ line: String) -> Bool {
        guard line.hasPrefix("0x"), let colon = line.range(of: ":\t") else { return false }
        let head = line[line.index(line.startIndex, offsetBy: 2)..<colon.lowerBound]
        let addressText = head.prefix { $0.isHexDigit }
        guard (1...16).contains(addressText.count), let address = UInt64(addressText, radix: 16) else { return false }
        let rest = head.dropFirst(addressText.count)
        guard rest.isEmpty || rest.hasPrefix(" <") && rest.hasSuffix(">") else { return false }
        var values: [UInt8] = []
        for token in line[colon.upperBound...].split(separator: "\t", omittingEmptySubsequences: true) {
            guard token.count == 4, token.hasPrefix("0x"), let value = UInt8(token.dropFirst(2), radix: 16) else {
                return false
            }
            values.append(value)
        }
        guard !values.isEmpty, next == nil || next == address else { return false }
        bytes += values
        next = address &+ UInt64(values.count)
        return true
    }
}

/// ELF notes (`Elf32_Nhdr`/`Elf64_Nhdr`: 4-byte `n_namesz`, `n_descsz`, `n_type`, then the name and the
/// descriptor, each padded to 4 bytes) in bytes read from a dump, in either byte order.
enum ELFNotes {
    /// The GNU build ID (name "GNU\0", type NT_GNU_BUILD_ID, 1 to 64 descriptor bytes) in `bytes`, as hex.
    ///
    /// `scan`: look at every 4-byte aligned offset (memory that holds other data too); otherwise walk the
    /// notes from the start (a note section), stopping at the first note that does not fit.
    static func gnuBuildId(in bytes: [UInt8], scan: Bool) -> String? {
        for bigEndian in [false, true] {
            var offset = 0
            while offset + 16 <= bytes.count {
                let namesz = word(bytes, offset, bigEndian)
                let descsz = word(bytes, offset + 4, bigEndian)
                let type = word(bytes, offset + 8, bigEndian)
                let nameEnd = offset + 12 + Int(min(namesz, 1 << 16))
                let descStart = offset + 12 + align4(Int(min(namesz, 1 << 16)))
                let descEnd = descStart + Int(min(descsz, 1 << 16))
                if namesz == 4, type == ModuleBuildIds.buildIdType, (1...64).contains(descsz), descEnd <= bytes.count,
                    Array(bytes[(offset + 12)..<nameEnd]) == Array("GNU\0".utf8)
                {
                    return bytes[descStart..<descEnd].map { String(format: "%02x", $0) }.joined()
                }
                if scan {
                    offset += 4
                } else {
                    let size = descStart - offset + align4(Int(min(descsz, 1 << 16)))
                    guard namesz <= 1 << 16, descsz <= 1 << 16, offset + size <= bytes.count else { break }
                    offset += size
                }
            }
        }
        return nil
    }

    static func align4(_ value: Int) -> Int { (value + 3) & ~3 }

    static func word(_ bytes: [UInt8], _ offset: Int, _ bigEndian: Bool) -> UInt32 {
        let b = bytes[offset..<(offset + 4)].map(UInt32.init)
        return bigEndian ? b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3] : b[3] << 24 | b[2] << 16 | b[1] << 8 | b[0]
    }
}

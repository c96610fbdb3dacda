import CASCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The parsers the fuzzer can drive, by name (`CAS_FUZZ_TARGET`, default `dump`):
/// `dump` (dump headers), `ini` (INIFile + Settings.parse), `rpm` (RPMHeader + RPMPackage), `deb` (ar/deb),
/// `dmesg` (the kernel log reader: VMCOREINFO, the printk buffers, the address translation).
enum FuzzTargets {
    static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "dump": fuzzDump,
        "ini": fuzzINI,
        "rpm": fuzzRPM,
        "deb": fuzzDeb,
        "dmesg": fuzzDmesg,
    ]

    static let selected: @Sendable ([UInt8]) -> Void = {
        let name = getenv("CAS_FUZZ_TARGET").map { String(cString: $0) } ?? "dump"
        guard let target = all[name] else {
            print("CAS_FUZZ_TARGET=\(name) is not one of: \(all.keys.sorted().joined(separator: ", "))")
            exit(2)
        }
        return target
    }()

    /// Dump headers: format sniffing and identification, over a file (size known) and a stream (size unknown);
    /// then the input as the memory of an s390x ELF core without VMCOREINFO, so that the lowcore pointer, the
    /// VMCOREINFO note verification and `init_uts_ns` are read from fuzzed memory. (kdump pages in every
    /// compression come from the seeds, `Tests/Fuzz/make-dump-seeds.py`.)
    static func fuzzDump(_ bytes: [UInt8]) {
        _ = DumpFormat.sniff(Array(bytes.prefix(DumpFormat.sniffLength)))
        for input in [bytes, s390xCore(memory: bytes)] {
            for knownSize in [true, false] {
                let source = MemoryByteSource(input, knownSize: knownSize)
                do {
                    let identity = try DumpIdentifier.identify(source, name: "fuzz", bufferSize: 1 << 16)
                    precondition(identity.release != nil, "identify returned no release")
                } catch {
                    precondition(!error.description.isEmpty)
                }
            }
        }
    }

    /// A big-endian ELF64 core (EM_S390) whose one PT_LOAD segment, at physical address 0, is `memory`.
    static func s390xCore(memory: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 120)
        func put(_ value: UInt64, _ width: Int, at offset: Int) {
            for index in 0..<width {
                out[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * (width - 1 - index)))
            }
        }
        out.replaceSubrange(0..<7, with: [0x7f, 0x45, 0x4c, 0x46, 2, 2, 1])
        put(4, 2, at: 16)  // ET_CORE
        put(22, 2, at: 18)  // EM_S390
        put(1, 4, at: 20)
        put(64, 8, at: 32)  // e_phoff
        put(64, 2, at: 52)
        put(56, 2, at: 54)
        put(1, 2, at: 56)  // e_phnum
        put(1, 4, at: 64)  // PT_LOAD
        put(120, 8, at: 72)  // p_offset
        put(UInt64(memory.count), 8, at: 96)  // p_filesz
        put(UInt64(memory.count), 8, at: 104)  // p_memsz
        return out + memory
    }
}

extension FuzzTargets {
    /// The INI syntax and the settings built from it (every key's validation).
    static func fuzzINI(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let file = try? INIFile(parsing: text) {
            for section in file.sections { _ = file.value(section.name, section.entries.first?.key ?? "x") }
        }
        do {
            _ = try Settings.parse(text, path: "/fuzz/cas.conf", base: "/fuzz")
        } catch {
            precondition(!error.description.isEmpty)
        }
    }

    /// RPM: the pure header parser over bytes, then the whole reader (lead, signature, main header, file list).
    static func fuzzRPM(_ bytes: [UInt8]) {
        if let header = RPMHeader.parse(bytes) {
            for tag in header.values.keys.prefix(64) {
                if let known = RPMTag(rawValue: tag) {
                    _ = header.string(known)
                    _ = header.strings(known)
                    _ = header.integers(known)
                }
            }
        }
        withScratchFile(bytes, suffix: ".rpm") { path in
            do { _ = try RPMPackage.read(path: path) } catch { precondition(!"\(error)".isEmpty) }
        }
    }

    /// Debian packages: the ar container, control.tar.* and its control/md5sums.
    static func fuzzDeb(_ bytes: [UInt8]) {
        withScratchFile(bytes, suffix: ".deb") { path in
            do { _ = try DebPackage.read(path: path) } catch { precondition(!"\(error)".isEmpty) }
        }
    }

    /// The readers take a path: writes the input to one per-process scratch file (tmpfs when available).
    static func withScratchFile(_ bytes: [UInt8], suffix: String, _ body: (String) -> Void) {
        let directory = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        let path = "\(directory)/cas-fuzz-\(getpid())\(suffix)"
        guard let file = fopen(path, "wb") else { return }
        _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
        body(path)
        unlink(path)
    }
}

/// A ``ByteSource`` over the fuzzer's input.
final class MemoryByteSource: ByteSource {
    let bytes: [UInt8]
    let knownSize: Bool

    init(_ bytes: [UInt8], knownSize: Bool) {
        self.bytes = bytes
        self.knownSize = knownSize
    }

    var size: Int64? { knownSize ? Int64(bytes.count) : nil }

    func read(at offset: Int64, count: Int) throws(ByteSourceError) -> [UInt8] {
        guard offset >= 0, count > 0, offset < Int64(bytes.count) else { return [] }
        let start = Int(offset)
        return Array(bytes[start..<min(bytes.count, start + min(count, bytes.count - start))])
    }
}

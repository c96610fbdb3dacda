/// VMCOREINFO read from a dump's memory when no header carries it.
///
/// The kernel keeps its VMCOREINFO as an ELF note in its own memory (`vmcoreinfo_note`, kernel/vmcore_info.c):
/// an `Elf_Nhdr` {namesz 11, descsz, type 0}, the name "VMCOREINFO\0" padded to 12 bytes, then the text. On
/// s390x the lowcore (absolute address 0) points to it: `vmcore_info` at 0x0e0c holds the note's physical
/// address, big-endian (arch/s390/include/asm/lowcore.h; fields in 0x0e00–0x0f00 never move, dump tools
/// rely on them). Otherwise the note is searched for in the first `buffersize` bytes of memory. Either way a
/// note counts only when its header, name and sizes are right and its text has `OSRELEASE=` followed by a
/// release: never the `OSRELEASE=%s` format string or a stray copy of the name.
enum MemoryVMCoreInfo {
    /// `struct lowcore`'s `vmcore_info` (a `__u64` at 0x0e0c).
    static let s390LowcoreField: UInt64 = 0x0e0c
    static let noteName = Array("VMCOREINFO".utf8) + [0]
    /// The note header and the padded name: the text starts here.
    static let textOffset = 12 + 12

    /// A verified VMCOREINFO note in memory.
    struct Found: Equatable {
        var text: [UInt8]
        /// "s390x lowcore" or "memory scan".
        var source: String
        /// The note's physical address.
        var address: UInt64
    }

    /// What reading memory found: the note, and the banner seen by the scan (which looks for both in one
    /// pass, so that a dump streamed out of an archive is read forwards once).
    struct Findings {
        var note: Found?
        var banner = BannerScanner.Result()
        /// Whether the scan visited any memory (not only the lowcore followed).
        var scanned = false
    }

    /// The VMCOREINFO note: through the s390 lowcore when the architecture is s390 or unknown, else (or
    /// when that fails) by scanning up to `limit` bytes of memory, which also looks for the kernel's banner.
    /// A read that fails on the lowcore's way (a dump streamed out of an archive cannot read back far) still
    /// lets the scan try; the first failure is thrown when neither finds the note.
    static func find(in memory: any DumpMemory, arch: String?, limit: Int64) throws(DumpError) -> Findings {
        var failure: DumpError?
        if arch == nil || arch == "s390x" || arch == "s390" {
            do throws(DumpError) {
                if let found = try fromLowcore(memory) { return Findings(note: found) }
            } catch {
                failure = error
            }
        }
        let findings: Findings
        do throws(DumpError) {
            findings = try search(memory, limit: limit)
        } catch {
            throw failure ?? error
        }
        if findings.note == nil, let failure { throw failure }
        return findings
    }

    /// The note the s390 lowcore's `vmcore_info` points to, if it is a real one.
    static func fromLowcore(_ memory: any DumpMemory) throws(DumpError) -> Found? {
        guard let pointer = try memory.bytes(atPhysical: s390LowcoreField, count: 8),
            let address = HeaderBytes(pointer, order: .big).u64(0), address != 0, address <= DumpReader.maxOffset,
            let text = try note(at: address, in: memory)
        else { return nil }
        return Found(text: text, source: "s390x lowcore", address: address)
    }

    /// The text of the VMCOREINFO note at physical `address`, or nil when no real note is there.
    static func note(at address: UInt64, in memory: any DumpMemory) throws(DumpError) -> [UInt8]? {
        guard address <= DumpReader.maxOffset,
            let head = try memory.bytes(atPhysical: address, count: textOffset),
            let size = textSize(ofNoteHeader: head),
            let text = try memory.bytes(atPhysical: address + UInt64(textOffset), count: size),
            isVMCoreInfo(text)
        else { return nil }
        return text
    }

    /// The text size a VMCOREINFO note header (`bytes` at least ``textOffset`` long) declares, in either byte
    /// order; nil when it is not one (name, namesz 11, type 0, a size from 1 byte to ``VMCoreInfo/maxSize``).
    static func textSize(ofNoteHeader bytes: [UInt8]) -> Int? {
        guard bytes.matches(noteName, at: 12) else { return nil }
        for order in [ByteOrder.big, .little] {
            let data = HeaderBytes(bytes, order: order)
            if data.u32(0) == UInt32(noteName.count), data.u32(8) == 0, let size = data.u32(4), size > 0,
                size <= UInt32(VMCoreInfo.maxSize)
            {
                return Int(size)
            }
        }
        return nil
    }

    /// Whether `text` is the kernel's VMCOREINFO: its `OSRELEASE=` value is a release.
    static func isVMCoreInfo(_ text: [UInt8]) -> Bool {
        VMCoreInfo.parse(text)["OSRELEASE"].map(VMCoreInfo.isRelease) ?? false
    }

    /// The first real VMCOREINFO note in the first `limit` bytes of memory, in the dump's order, and the
    /// kernel's banner (``BannerScanner``) in the same pieces; stops when it has both.
    static func search(_ memory: any DumpMemory, limit: Int64) throws(DumpError) -> Findings {
        var findings = Findings()
        try memory.scan(limit: limit) { (physical, bytes) throws(DumpError) -> Bool in
            findings.scanned = true
            if findings.note == nil { findings.note = try noteIn(bytes, at: physical, memory: memory) }
            let complete = findings.banner.banner.map(BannerScanner.isComplete) ?? false
            if !complete { merge(BannerScanner.search(bytes), into: &findings.banner) }
            return findings.note == nil || !(findings.banner.banner.map(BannerScanner.isComplete) ?? false)
        }
        return findings
    }

    /// A complete banner wins over a placeholder; the first release-like `OSRELEASE=` is kept.
    private static func merge(_ piece: BannerScanner.Result, into result: inout BannerScanner.Result) {
        if let banner = piece.banner, BannerScanner.isComplete(banner) || result.banner == nil {
            result.banner = banner
        }
        if result.osrelease == nil { result.osrelease = piece.osrelease }
    }

    /// The first real note whose name lies in `bytes` (memory at `physical`).
    private static func noteIn(_ bytes: [UInt8], at physical: UInt64, memory: any DumpMemory) throws(DumpError)
        -> Found?
    {
        var from = 0
        while let hit = BannerScanner.find(noteName, in: bytes, from: from) {
            from = hit + 1
            // Addresses come from the dump: beyond 1 PiB (or below 0) there is no note to read.
            guard physical <= DumpReader.maxOffset, UInt64(hit) + physical >= 12 else { continue }
            let start = physical + UInt64(hit) - 12
            // The note read from this piece when it lies inside it (no read back, which a dump streamed
            // out of an archive may not allow); else from memory, where a failed read means no note.
            let text: [UInt8]?
            if hit >= 12, let size = textSize(ofNoteHeader: Array(bytes[(hit - 12)..<min(bytes.count, hit + 12)])),
                hit + 12 + size <= bytes.count
            {
                let candidate = Array(bytes[(hit + 12)..<(hit + 12 + size)])
                text = isVMCoreInfo(candidate) ? candidate : nil
            } else {
                text = (try? note(at: start, in: memory)) ?? nil
            }
            if let text { return Found(text: text, source: "memory scan", address: start) }
        }
        return nil
    }
}

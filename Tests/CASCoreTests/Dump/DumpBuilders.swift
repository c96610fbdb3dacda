@testable import CASCore

/// Byte-level dumps built by the tests, for what the real fixtures do not cover.
enum DumpBuilders {
    static let vmcoreinfo = """
        OSRELEASE=5.14.0-427.el9.s390x
        BUILD-ID=ABCDEF0123456789ABCDEF0123456789ABCDEF01
        PAGESIZE=4096
        KERNELOFFSET=1a000000
        CRASHTIME=1700000000

        """

    static func uts(release: String, machine: String, version: String = "#1 SMP Mon Jan 1 2024") -> [String] {
        ["Linux", "testhost", release, version, machine, "(none)"]
    }

    /// An ELF core: header, program headers (one PT_NOTE, then one PT_LOAD per `loads`), notes, load data.
    static func elfCore(
        wide: Bool, bigEndian: Bool, machine: UInt16, type: UInt16 = 4,
        notes: [(name: String, type: UInt32, desc: [UInt8])],
        loads: [(vaddr: UInt64, paddr: UInt64, data: [UInt8])] = []
    ) -> [UInt8] {
        var b = ByteBuilder(bigEndian: bigEndian)
        let headerSize = wide ? 64 : 52
        let phentsize = wide ? 56 : 32
        let phnum = 1 + loads.count
        b.put([0x7f, 0x45, 0x4c, 0x46, wide ? 2 : 1, bigEndian ? 2 : 1, 1, 0], at: 0)
        b.put(UInt64(type), width: 2, at: 16)
        b.put(UInt64(machine), width: 2, at: 18)
        b.put(1, width: 4, at: 20)
        b.put(UInt64(headerSize), width: wide ? 8 : 4, at: wide ? 32 : 28)
        let tail = wide ? 48 : 36
        b.put(UInt64(headerSize), width: 2, at: tail + 4)
        b.put(UInt64(phentsize), width: 2, at: tail + 6)
        b.put(UInt64(phnum), width: 2, at: tail + 8)
        var noteData = ByteBuilder(bigEndian: bigEndian)
        for note in notes {
            let at = noteData.bytes.count
            let name = Array(note.name.utf8) + [0]
            noteData.put(UInt64(name.count), width: 4, at: at)
            noteData.put(UInt64(note.desc.count), width: 4, at: at + 4)
            noteData.put(UInt64(note.type), width: 4, at: at + 8)
            noteData.put(name, at: at + 12)
            let descAt = at + 12 + (name.count + 3) & ~3
            noteData.put(note.desc, at: descAt)
            noteData.grow(to: descAt + (note.desc.count + 3) & ~3)
        }
        var dataAt = headerSize + phnum * phentsize
        var segments: [(type: UInt64, offset: Int, vaddr: UInt64, paddr: UInt64, data: [UInt8])] = [
            (4, dataAt, 0, 0, noteData.bytes)
        ]
        dataAt += noteData.bytes.count
        for load in loads {
            segments.append((1, dataAt, load.vaddr, load.paddr, load.data))
            dataAt += load.data.count
        }
        for (index, segment) in segments.enumerated() {
            let at = headerSize + index * phentsize
            b.put(segment.type, width: 4, at: at)
            let word = wide ? 8 : 4
            b.put(UInt64(segment.offset), width: word, at: at + (wide ? 8 : 4))
            b.put(segment.vaddr, width: word, at: at + (wide ? 16 : 8))
            b.put(segment.paddr, width: word, at: at + (wide ? 24 : 12))
            b.put(UInt64(segment.data.count), width: word, at: at + (wide ? 32 : 16))
            b.put(UInt64(segment.data.count), width: word, at: at + (wide ? 40 : 20))
            b.put(segment.data, at: segment.offset)
        }
        b.grow(to: dataAt)
        return b.bytes
    }

    /// A kdump-compressed (or diskdump) file: header, sub-header at `blockSize`, VMCOREINFO at 2 × `blockSize`,
    /// then `tail` (e.g. page data holding a banner).
    static func kdump(
        signature: String = "KDUMP   ", version: UInt32 = 6, bigEndian: Bool = false, wide: Bool = true,
        i386Layout: Bool = false, uts: [String], timestamp: UInt64 = 0, status: UInt32 = 1, blockSize: Int = 4096,
        dumpLevel: UInt32 = 31, vmcoreinfo: String?, vmcoreinfoSize: UInt64? = nil, vmcoreinfoOffset: UInt64? = nil,
        tail: [UInt8] = []
    ) -> [UInt8] {
        var b = ByteBuilder(bigEndian: bigEndian)
        b.put(signature, at: 0)
        b.put(UInt64(version), width: 4, at: 8)
        for (index, field) in uts.enumerated() { b.put(field, at: 12 + index * 65) }
        let base = wide ? 424 : 412
        b.put(timestamp, width: wide ? 8 : 4, at: wide ? 408 : 404)
        b.put(UInt64(status), width: 4, at: base)
        b.put(UInt64(blockSize), width: 4, at: base + 4)
        b.put(2, width: 4, at: base + 8)  // sub_hdr_size: the sub-header block and the VMCOREINFO block
        b.put(2, width: 4, at: base + 36)
        b.grow(to: blockSize)
        let sub = blockSize
        let info = Array((vmcoreinfo ?? "").utf8)
        let layout: [Int] = wide ? [8, 32, 40] : i386Layout ? [4, 20, 28] : [4, 24, 32]
        b.put(UInt64(dumpLevel), width: 4, at: sub + layout[0])
        if vmcoreinfo != nil {
            b.put(vmcoreinfoOffset ?? UInt64(2 * blockSize), width: 8, at: sub + layout[1])
            b.put(vmcoreinfoSize ?? UInt64(info.count), width: wide ? 8 : 4, at: sub + layout[2])
        }
        b.grow(to: 2 * blockSize)
        b.put(info, at: 2 * blockSize)
        b.grow(to: 3 * blockSize)
        b.put(tail, at: 3 * blockSize)
        return b.bytes
    }

    /// The makedumpfile flattened form of `dump`: records of `chunk` bytes, in order or with the
    /// record list rotated (records may come in any order), then the end marker.
    static func flattened(_ dump: [UInt8], chunk: Int = 100, rotate: Int = 0) -> [UInt8] {
        var b = ByteBuilder(bigEndian: true)
        b.put("makedumpfile", at: 0)
        b.put(1, width: 8, at: 16)
        b.put(1, width: 8, at: 24)
        b.grow(to: 4096)
        var starts = Array(stride(from: 0, to: dump.count, by: chunk))
        if !starts.isEmpty {
            let pivot = rotate % starts.count
            let head: [Int] = Array(starts[pivot...])
            let rest: [Int] = Array(starts[..<pivot])
            starts = head + rest
        }
        for start in starts {
            let end = min(dump.count, start + chunk)
            let at = b.bytes.count
            b.put(UInt64(start), width: 8, at: at)
            b.put(UInt64(end - start), width: 8, at: at + 8)
            b.put(Array(dump[start..<end]), at: at + 16)
        }
        let at = b.bytes.count
        b.put(UInt64.max, width: 8, at: at)
        b.put(UInt64.max, width: 8, at: at + 8)
        return b.bytes
    }

    static let banner =
        "Linux version 4.18.0-80.el8.x86_64 (mockbuild@example.com) (gcc version 8.2.1 (GCC)) #1 SMP Wed Mar 13 12:02:46 UTC 2019"
}

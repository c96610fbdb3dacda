import Foundation

extension ELFFile {
    /// The GNU build ID of an ELF file read once, front to back (a member of a tar stream): the ELF header,
    /// the program headers, then each PT_NOTE segment in file order. Nil when it is not ELF or has no such
    /// note in a PT_NOTE segment; the stream is left wherever reading stopped.
    static func streamedBuildId(_ read: (UnsafeMutableRawBufferPointer) throws -> Int) throws -> String? {
        var stream = ForwardStream()
        let header = try stream.bytes(at: 0, count: 64, read)
        guard header.count >= 52, header[0..<4] == [0x7f, 0x45, 0x4c, 0x46], header[4] == 1 || header[4] == 2,
            header[5] == 1 || header[5] == 2
        else { return nil }
        let is64 = header[4] == 2
        let le = header[5] == 1
        let h = Reader(bytes: header, littleEndian: le)
        let phoff = is64 ? Int64(bitPattern: h.u64(0x20)) : Int64(h.u32(0x1c))
        let entsize = Int(h.u16(is64 ? 0x36 : 0x2a))
        let count = Int(h.u16(is64 ? 0x38 : 0x2c))
        guard phoff >= 52, count > 0, count < 4096, entsize >= (is64 ? 56 : 32), entsize <= 256 else { return nil }
        let table = try stream.bytes(at: phoff, count: entsize * count, read)
        guard table.count == entsize * count else { return nil }
        let t = Reader(bytes: table, littleEndian: le)
        var notes: [(offset: Int64, size: Int)] = []
        for i in 0..<count {
            let at = i * entsize
            guard t.u32(at) == 4 else { continue }  // PT_NOTE
            let offset = is64 ? Int64(bitPattern: t.u64(at + 8)) : Int64(t.u32(at + 4))
            let size = is64 ? Int64(bitPattern: t.u64(at + 32)) : Int64(t.u32(at + 16))
            guard offset >= 0, size > 0, size < 1 << 20 else { continue }
            notes.append((offset, Int(size)))
        }
        for note in notes.sorted(by: { $0.offset < $1.offset }) where note.offset >= stream.position {
            let bytes = try stream.bytes(at: note.offset, count: note.size, read)
            if let id = buildId(notes: bytes, littleEndian: le) { return id }
        }
        return nil
    }

    /// Bytes of a stream that can only go forward: a read before the current position returns nothing.
    private struct ForwardStream {
        var position: Int64 = 0

        mutating func bytes(
            at offset: Int64, count: Int, _ read: (UnsafeMutableRawBufferPointer) throws -> Int
        ) throws -> [UInt8] {
            guard offset >= position else { return [] }
            var skip = offset - position
            var scratch = [UInt8](repeating: 0, count: 64 << 10)
            while skip > 0 {
                let want = Int(min(skip, Int64(scratch.count)))
                let n = try scratch.withUnsafeMutableBytes {
                    try read(UnsafeMutableRawBufferPointer(rebasing: $0[0..<want]))
                }
                if n <= 0 { return [] }
                skip -= Int64(n)
                position += Int64(n)
            }
            var out = [UInt8](repeating: 0, count: count)
            var filled = 0
            while filled < count {
                let n = try out.withUnsafeMutableBytes {
                    try read(UnsafeMutableRawBufferPointer(rebasing: $0[filled...]))
                }
                if n <= 0 { break }
                filled += n
                position += Int64(n)
            }
            return Array(out[0..<filled])
        }
    }
}

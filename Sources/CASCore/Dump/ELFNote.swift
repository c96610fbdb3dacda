/// One ELF note: owner name, type and descriptor bytes.
struct ELFNote: Equatable {
    static let ntPrstatus: UInt32 = 1

    var name: String
    var type: UInt32
    var desc: [UInt8]

    /// Parses the notes of one `PT_NOTE` segment (`namesz`, `descsz`, `type`, then name and descriptor,
    /// each padded to 4 bytes). Stops at the first note that does not fit; never reads out of bounds.
    static func parseAll(_ bytes: [UInt8], order: ByteOrder) -> [ELFNote] {
        let data = HeaderBytes(bytes, order: order)
        var notes: [ELFNote] = []
        var offset = 0
        while let namesz = data.u32(offset), let descsz = data.u32(offset + 4), let type = data.u32(offset + 8) {
            let nameStart = offset + 12
            let descStart = nameStart + padded(Int(namesz))
            let end = descStart + padded(Int(descsz))
            guard namesz <= 1 << 20, descsz <= 1 << 26, descStart <= bytes.count,
                descStart + Int(descsz) <= bytes.count
            else { break }
            let nameBytes = bytes[nameStart..<nameStart + Int(namesz)].prefix { $0 != 0 }
            let desc = Array(bytes[descStart..<descStart + Int(descsz)])
            notes.append(ELFNote(name: String(decoding: nameBytes, as: UTF8.self), type: type, desc: desc))
            offset = end
        }
        return notes
    }

    private static func padded(_ size: Int) -> Int { (size + 3) & ~3 }
}

/// Bounds-checked integer reads over a byte array in a chosen byte order: every read is optional,
/// so a parser never traps on a short or hostile buffer.
struct Bytes {
    let data: [UInt8]
    let bigEndian: Bool

    init(_ data: [UInt8], bigEndian: Bool = false) {
        self.data = data
        self.bigEndian = bigEndian
    }

    var count: Int { data.count }

    func u8(_ offset: Int) -> UInt8? {
        offset >= 0 && offset < data.count ? data[offset] : nil
    }

    func unsigned(_ offset: Int, width: Int) -> UInt64? {
        guard offset >= 0, width > 0, offset <= data.count - width else { return nil }
        var value: UInt64 = 0
        for i in 0..<width {
            let byte = UInt64(data[offset + (bigEndian ? i : width - 1 - i)])
            value = value << 8 | byte
        }
        return value
    }

    func u16(_ offset: Int) -> UInt16? { unsigned(offset, width: 2).map { UInt16($0) } }
    func u32(_ offset: Int) -> UInt32? { unsigned(offset, width: 4).map { UInt32($0) } }
    func u64(_ offset: Int) -> UInt64? { unsigned(offset, width: 8) }
    func i32(_ offset: Int) -> Int32? { u32(offset).map { Int32(bitPattern: $0) } }
    func i64(_ offset: Int) -> Int64? { u64(offset).map { Int64(bitPattern: $0) } }

    /// A word of 4 or 8 bytes.
    func word(_ offset: Int, is64: Bool) -> UInt64? { unsigned(offset, width: is64 ? 8 : 4) }

    /// A NUL-terminated string inside a fixed field of `length` bytes.
    func cString(_ offset: Int, length: Int) -> String? {
        guard offset >= 0, length >= 0, offset <= data.count - length else { return nil }
        let field = data[offset..<offset + length]
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(decoding: field[offset..<end], as: UTF8.self)
    }

    func slice(_ offset: Int, _ length: Int) -> [UInt8]? {
        guard offset >= 0, length >= 0, offset <= data.count - length else { return nil }
        return Array(data[offset..<offset + length])
    }

    func hasPrefix(_ magic: [UInt8], at offset: Int = 0) -> Bool {
        guard offset >= 0, offset <= data.count - magic.count else { return false }
        return data[offset..<offset + magic.count].elementsEqual(magic)
    }
}

extension ByteSource {
    /// Exactly `count` bytes at `offset`, or a truncation error naming `what`.
    func readExactly(_ offset: Int64, _ count: Int, name: String, what: String) throws(DumpError) -> [UInt8] {
        let bytes: [UInt8]
        do {
            bytes = try read(at: offset, count: count)
        } catch {
            throw .read(error)
        }
        guard bytes.count == count else {
            throw .truncated(name, "the file ends inside the \(what) (needed \(count) bytes at offset \(offset), got \(bytes.count))")
        }
        return bytes
    }
}

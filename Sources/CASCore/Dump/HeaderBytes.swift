/// Byte order of a binary header.
enum ByteOrder: Sendable, Equatable {
    case little, big

    var name: String { self == .little ? "little-endian" : "big-endian" }
}

/// Fixed-offset reads over a header's bytes in one byte order; every read is bounds-checked and
/// returns nil past the end, so a short header can never crash a parser.
struct HeaderBytes {
    let bytes: [UInt8]
    let order: ByteOrder

    init(_ bytes: [UInt8], order: ByteOrder) {
        self.bytes = bytes
        self.order = order
    }

    var count: Int { bytes.count }

    func u8(_ offset: Int) -> UInt8? {
        offset >= 0 && offset < bytes.count ? bytes[offset] : nil
    }

    func u16(_ offset: Int) -> UInt16? { unsigned(offset, width: 2).map { UInt16(truncatingIfNeeded: $0) } }
    func u32(_ offset: Int) -> UInt32? { unsigned(offset, width: 4).map { UInt32(truncatingIfNeeded: $0) } }
    func u64(_ offset: Int) -> UInt64? { unsigned(offset, width: 8) }
    func i32(_ offset: Int) -> Int32? { u32(offset).map { Int32(bitPattern: $0) } }
    func i64(_ offset: Int) -> Int64? { u64(offset).map { Int64(bitPattern: $0) } }

    /// A C `long`/`unsigned long` of the dumping machine: 8 bytes when `wide`, else 4.
    func word(_ offset: Int, wide: Bool) -> UInt64? { unsigned(offset, width: wide ? 8 : 4) }

    private func unsigned(_ offset: Int, width: Int) -> UInt64? {
        guard offset >= 0, width <= bytes.count, offset <= bytes.count - width else { return nil }
        var value: UInt64 = 0
        for index in 0..<width {
            let byte = UInt64(bytes[order == .little ? offset + width - 1 - index : offset + index])
            value = value << 8 | byte
        }
        return value
    }

    /// The NUL-terminated text in the fixed-size field at `offset` (invalid UTF-8 repaired).
    func cString(_ offset: Int, length: Int) -> String {
        guard offset >= 0, offset < bytes.count else { return "" }
        let field = bytes[offset..<min(bytes.count, offset + length)]
        let text = field.prefix { $0 != 0 }
        return String(decoding: text, as: UTF8.self)
    }

    /// Whether the bytes at `offset` are exactly `expected`.
    func matches(_ expected: [UInt8], at offset: Int) -> Bool {
        guard offset >= 0, offset <= bytes.count - expected.count else { return false }
        return bytes[offset..<offset + expected.count].elementsEqual(expected)
    }
}

extension Array where Element == UInt8 {
    /// Whether the array holds `expected` at `offset`.
    func matches(_ expected: [UInt8], at offset: Int) -> Bool {
        HeaderBytes(self, order: .little).matches(expected, at: offset)
    }
}

import Foundation

/// An RPM header structure (the signature or the main header): its index entries and data store.
///
/// Layout (big-endian): magic `8e ad e8 01`, 4 reserved bytes, index count (u32), data size (u32),
/// then `count` entries of (tag, type, offset, count) u32 each, then the data store.
public struct RPMHeader: Sendable {
    /// One tag's value; types the reader does not need are kept as `.other(type)`.
    public enum Value: Sendable, Equatable {
        case int16([UInt16])
        case int32([UInt32])
        case int64([UInt64])
        case string(String)
        case strings([String])
        case other(UInt32)
    }

    public static let magic: [UInt8] = [0x8e, 0xad, 0xe8, 0x01]
    static let introSize = 16
    static let entrySize = 16
    /// Largest header this reader accepts (real kernel-debuginfo headers are well under this).
    public static let maximumSize = 64 << 20

    public var values: [UInt32: Value]

    /// The total size of a header (intro + index + data) from its 16-byte intro, or nil when not a header.
    public static func totalSize(intro: [UInt8]) -> Int? {
        guard intro.count >= introSize, Array(intro[0..<4]) == magic else { return nil }
        let count = Int(readU32(intro, 8))
        let data = Int(readU32(intro, 12))
        guard count < 1 << 20, data < maximumSize else { return nil }
        return introSize + count * entrySize + data
    }

    /// Parses a whole header; nil when any entry points outside the data store.
    public static func parse(_ bytes: [UInt8]) -> RPMHeader? {
        guard let total = totalSize(intro: bytes), bytes.count >= total else { return nil }
        let count = Int(readU32(bytes, 8))
        let dataStart = introSize + count * entrySize
        let dataEnd = total
        var values: [UInt32: Value] = [:]
        for i in 0..<count {
            let at = introSize + i * entrySize
            let tag = readU32(bytes, at)
            let type = readU32(bytes, at + 4)
            let offset = Int(readU32(bytes, at + 8))
            let n = Int(readU32(bytes, at + 12))
            let start = dataStart + offset
            guard start <= dataEnd, n < 1 << 24 else { return nil }
            switch type {
            case 3, 4, 5:
                let width = type == 3 ? 2 : type == 4 ? 4 : 8
                guard start + n * width <= dataEnd else { return nil }
                if type == 3 { values[tag] = .int16((0..<n).map { readU16(bytes, start + $0 * 2) }) }
                if type == 4 { values[tag] = .int32((0..<n).map { readU32(bytes, start + $0 * 4) }) }
                if type == 5 { values[tag] = .int64((0..<n).map { readU64(bytes, start + $0 * 8) }) }
            case 6, 8, 9:
                var strings: [String] = []
                var cursor = start
                for _ in 0..<(type == 6 ? 1 : n) {
                    guard cursor < dataEnd, let end = bytes[cursor..<dataEnd].firstIndex(of: 0) else { return nil }
                    strings.append(String(decoding: bytes[cursor..<end], as: UTF8.self))
                    cursor = end + 1
                }
                values[tag] = type == 6 ? .string(strings[0]) : .strings(strings)
            default:
                values[tag] = .other(type)
            }
        }
        return RPMHeader(values: values)
    }

    /// The first string of a STRING, STRING_ARRAY or I18NSTRING tag.
    public func string(_ tag: RPMTag) -> String? {
        switch values[tag.rawValue] {
        case .string(let s): s
        case .strings(let list): list.first
        default: nil
        }
    }

    /// The strings of an array tag (a single string gives one element).
    public func strings(_ tag: RPMTag) -> [String] {
        switch values[tag.rawValue] {
        case .string(let s): [s]
        case .strings(let list): list
        default: []
        }
    }

    /// An integer array tag widened to Int64.
    public func integers(_ tag: RPMTag) -> [Int64] {
        switch values[tag.rawValue] {
        case .int16(let list): list.map { Int64($0) }
        case .int32(let list): list.map { Int64($0) }
        case .int64(let list): list.map { Int64(bitPattern: $0) }
        default: []
        }
    }

    static func readU16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) << 8 | UInt16(b[at + 1]) }
    static func readU32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }
    static func readU64(_ b: [UInt8], _ at: Int) -> UInt64 { UInt64(readU32(b, at)) << 32 | UInt64(readU32(b, at + 4)) }
}

/// The RPM header tags the index reads.
public enum RPMTag: UInt32, Sendable {
    case name = 1000
    case version = 1001
    case release = 1002
    case buildTime = 1006
    case arch = 1022
    case fileSizes = 1028
    case fileModes = 1030
    case fileLinkTos = 1036
    case dirIndexes = 1116
    case baseNames = 1117
    case dirNames = 1118
    case payloadFormat = 1124
    case payloadCompressor = 1125
    case longFileSizes = 5008
}

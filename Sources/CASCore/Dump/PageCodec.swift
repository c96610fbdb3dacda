/// How one kdump page is stored: `page_desc_t.flags` (makedumpfile's diskdump_mod.h: DUMP_DH_COMPRESSED_ZLIB
/// 0x1, _LZO 0x2, _SNAPPY 0x4, _ZSTD 0x20), and the decompression of its bytes into exactly one page.
enum PageCodec: Equatable {
    case raw, zlib, lzo, snappy, zstd
    /// Compression bits CAS does not know.
    case unknown(UInt32)

    static let zlibFlag: UInt32 = 0x1
    static let lzoFlag: UInt32 = 0x2
    static let snappyFlag: UInt32 = 0x4
    static let zstdFlag: UInt32 = 0x20
    /// Flags that describe the file rather than a page's compression (incomplete dump, excluded vmemmap).
    static let nonCompressionFlags: UInt32 = 0x8 | 0x10

    /// The codec of a page descriptor's flags, tried in makedumpfile's and crash's order.
    init(flags: UInt32) {
        if flags & Self.zlibFlag != 0 {
            self = .zlib
        } else if flags & Self.lzoFlag != 0 {
            self = .lzo
        } else if flags & Self.snappyFlag != 0 {
            self = .snappy
        } else if flags & Self.zstdFlag != 0 {
            self = .zstd
        } else if flags & ~Self.nonCompressionFlags == 0 {
            self = .raw
        } else {
            self = .unknown(flags)
        }
    }

    /// The page `data` holds, exactly `pageSize` bytes.
    func decode(_ data: [UInt8], pageSize: Int) throws(PageCodecError) -> [UInt8] {
        switch self {
        case .raw:
            guard data.count == pageSize else {
                throw .invalid("uncompressed page of \(data.count) bytes, not \(pageSize)")
            }
            return data
        case .zlib:
            guard let page = ZlibPage.inflate(data, pageSize: pageSize) else {
                throw .invalid("zlib: not a stream of one \(pageSize)-byte page")
            }
            return page
        case .lzo: return try LZOPage.decompress(data, pageSize: pageSize)
        case .snappy: return try SnappyPage.decompress(data, pageSize: pageSize)
        case .zstd: return try ZstdPage.decompress(data, pageSize: pageSize)
        case .unknown(let flags): throw .invalid("page flags 0x\(String(flags, radix: 16)) name no known compression")
        }
    }
}

/// Why a kdump page could not be decompressed.
enum PageCodecError: Error, Equatable {
    /// The library for this compression could not be loaded: its name, the loader's reason, the package to install.
    case unavailable(library: String, reason: String, package: String)
    /// The bytes are not a valid page in this compression; the text says how (the library's own words).
    case invalid(String)

    var text: String {
        switch self {
        case .unavailable(let library, let reason, let package):
            "\(library) cannot be loaded (\(reason)); install \(package)"
        case .invalid(let why): why
        }
    }
}

/// makedumpfile's `struct disk_dump_header` (kdump-compressed and diskdump), parsed from its bytes.
///
/// The header is in the dumping machine's byte order and layout: after the 8-byte signature, the
/// `int header_version` and the 390-byte `new_utsname`, a `struct timeval` aligned to the machine's
/// `long`, then ints. 64-bit machines: timeval at 408 (2 × 8 bytes), status at 424; 32-bit: timeval
/// at 404 (2 × 4 bytes), status at 412.
struct KdumpHeader: Equatable {
    /// Bytes to read to parse the header of either layout.
    static let readSize = 464
    static let compressionFlags: [(UInt32, String)] = [(0x1, "zlib"), (0x2, "lzo"), (0x4, "snappy"), (0x20, "zstd")]
    static let incompleteFlag: UInt32 = 0x8

    var isDiskdump: Bool
    var order: ByteOrder
    var wide: Bool
    var headerVersion: Int
    var utsname: UTSName
    var timestamp: Int64
    var status: UInt32
    var blockSize: Int
    var subHeaderSize: UInt32
    var bitmapBlocks: UInt32
    var nrCpus: UInt32

    /// The page compression the status flags name, if any.
    var compression: String? {
        Self.compressionFlags.first { status & $0.0 != 0 }?.1
    }

    var incomplete: Bool { status & Self.incompleteFlag != 0 }

    /// Parses the header, or throws why it is impossible (typed throws, not `Result`: instantiating
    /// `Result<KdumpHeader, _>` at run time looked up its `Error` conformance, a tenth of a millisecond).
    static func parse(_ bytes: [UInt8]) throws(KdumpHeaderProblem) -> KdumpHeader {
        let isDiskdump = bytes.matches(DumpFormat.diskdumpSignature, at: 0)
        guard isDiskdump || bytes.matches(DumpFormat.kdumpSignature, at: 0) else { throw .signature }
        let little = HeaderBytes(bytes, order: .little)
        guard let rawVersion = little.u32(8) else { throw .version(0) }
        let order: ByteOrder
        if rawVersion >= 1 && rawVersion <= 64 {
            order = .little
        } else if rawVersion.byteSwapped >= 1 && rawVersion.byteSwapped <= 64 {
            order = .big
        } else {
            throw .version(rawVersion)
        }
        let header = HeaderBytes(bytes, order: order)
        let utsname = UTSName.parse(bytes, at: 12)
        let wide: Bool
        if let known = Architecture.normalise(machine: utsname.machine).flatMap(Architecture.isWide) {
            wide = known
        } else {
            wide = isPlausibleBlockSize(header.u32(428)) || !isPlausibleBlockSize(header.u32(416))
        }
        let base = wide ? 424 : 412
        guard let status = header.u32(base), let blockSize = header.u32(base + 4),
            let subHeaderSize = header.u32(base + 8), let bitmapBlocks = header.u32(base + 12),
            let nrCpus = header.u32(base + 36),
            let seconds = wide ? header.i64(408) : header.i32(404).map(Int64.init)
        else { throw .short }
        guard isPlausibleBlockSize(blockSize) else { throw .blockSize(blockSize) }
        return KdumpHeader(
            isDiskdump: isDiskdump, order: order, wide: wide,
            headerVersion: Int(order == .little ? rawVersion : rawVersion.byteSwapped),
            utsname: utsname, timestamp: seconds, status: status, blockSize: Int(blockSize),
            subHeaderSize: subHeaderSize, bitmapBlocks: bitmapBlocks, nrCpus: nrCpus)
    }

    /// A kdump block is one page: a power of two from 512 bytes to 1 MiB.
    static func isPlausibleBlockSize(_ value: UInt32?) -> Bool {
        guard let value else { return false }
        return value >= 512 && value <= 1 << 20 && value & (value - 1) == 0
    }
}

/// Why a kdump header is impossible.
enum KdumpHeaderProblem: Error, Equatable {
    case signature
    case short
    case version(UInt32)
    case blockSize(UInt32)

    var text: String {
        switch self {
        case .signature: "no KDUMP/DISKDUMP signature"
        case .short: "header too short"
        case .version(let value): "header_version \(value) is impossible"
        case .blockSize(let value): "block_size \(value) is not a page size"
        }
    }
}

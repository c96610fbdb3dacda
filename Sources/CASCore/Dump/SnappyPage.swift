import CSnappy

/// Snappy decompression of one kdump page (makedumpfile's `snappy_compress` output); the only file that
/// imports libsnappy, loaded on first use.
enum SnappyPage {
    /// The page `compressed` holds, of exactly `pageSize` bytes.
    static func decompress(_ compressed: [UInt8], pageSize: Int) throws(PageCodecError) -> [UInt8] {
        guard !compressed.isEmpty, pageSize > 0 else { throw .invalid("snappy: empty page") }
        var output = [UInt8](repeating: 0, count: pageSize)
        var length = pageSize
        let status = output.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { input in
                cas_snappy_uncompress(input.baseAddress, input.count, out.baseAddress, &length)
            }
        }
        try check(status)
        guard length == pageSize else {
            throw .invalid("snappy: page decompresses to \(length) bytes, not \(pageSize)")
        }
        return output
    }

    /// Turns a snappy_status into an error naming it (snappy-c.h).
    private static func check(_ status: Int32) throws(PageCodecError) {
        switch status {
        case 0: return
        case CAS_SNAPPY_NOT_LOADED:
            let reason = cas_snappy_load_error().map { String(cString: $0) } ?? "unknown reason"
            throw .unavailable(library: "libsnappy.so.1", reason: reason, package: "libsnappy1v5")
        case 1: throw .invalid("snappy: invalid input (SNAPPY_INVALID_INPUT)")
        case 2: throw .invalid("snappy: page larger than expected (SNAPPY_BUFFER_TOO_SMALL)")
        default: throw .invalid("snappy: status \(status)")
        }
    }
}

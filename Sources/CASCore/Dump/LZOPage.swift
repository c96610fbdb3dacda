import CLZO

/// LZO1X decompression of one kdump page (makedumpfile's `lzo1x_1_compress` output); the only file that
/// imports liblzo2, loaded on first use.
enum LZOPage {
    /// The page `compressed` holds, of exactly `pageSize` bytes.
    static func decompress(_ compressed: [UInt8], pageSize: Int) throws(PageCodecError) -> [UInt8] {
        guard !compressed.isEmpty, pageSize > 0 else { throw .invalid("lzo: empty page") }
        var output = [UInt8](repeating: 0, count: pageSize)
        var length = pageSize
        let status = output.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { input in
                cas_lzo1x_decompress_safe(input.baseAddress, input.count, out.baseAddress, &length)
            }
        }
        try check(status)
        guard length == pageSize else { throw .invalid("lzo: page decompresses to \(length) bytes, not \(pageSize)") }
        return output
    }

    /// Turns an lzo return code into an error naming it (lzo/lzoconf.h's LZO_E_* values).
    private static func check(_ status: Int32) throws(PageCodecError) {
        switch status {
        case 0: return
        case CAS_LZO_NOT_LOADED:
            let reason = cas_lzo_load_error().map { String(cString: $0) } ?? "unknown reason"
            throw .unavailable(library: "liblzo2.so.2", reason: reason, package: "liblzo2-2")
        case -4: throw .invalid("lzo: input overrun (LZO_E_INPUT_OVERRUN)")
        case -5: throw .invalid("lzo: page larger than expected (LZO_E_OUTPUT_OVERRUN)")
        case -6: throw .invalid("lzo: lookbehind overrun (LZO_E_LOOKBEHIND_OVERRUN)")
        case -7: throw .invalid("lzo: end of stream not found (LZO_E_EOF_NOT_FOUND)")
        case -8: throw .invalid("lzo: input not consumed (LZO_E_INPUT_NOT_CONSUMED)")
        default: throw .invalid("lzo: error \(status)")
        }
    }
}

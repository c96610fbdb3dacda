import CZstd

/// Zstandard decompression of one kdump page (makedumpfile's `ZSTD_compressCCtx` output); the only file that
/// imports libzstd, loaded on first use.
enum ZstdPage {
    /// The page `compressed` holds, of exactly `pageSize` bytes.
    static func decompress(_ compressed: [UInt8], pageSize: Int) throws(PageCodecError) -> [UInt8] {
        guard !compressed.isEmpty, pageSize > 0 else { throw .invalid("zstd: empty page") }
        var output = [UInt8](repeating: 0, count: pageSize)
        var length = pageSize
        let failure = output.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { input in
                cas_zstd_decompress(input.baseAddress, input.count, out.baseAddress, &length)
            }
        }
        try check(failure)
        guard length == pageSize else {
            throw .invalid("zstd: page decompresses to \(length) bytes, not \(pageSize)")
        }
        return output
    }

    /// Turns the wrapper's result (nil, or the library's error name or load error) into a typed error.
    private static func check(_ failure: UnsafePointer<CChar>?) throws(PageCodecError) {
        guard let failure else { return }
        if let reason = cas_zstd_load_error() {
            throw .unavailable(library: "libzstd.so.1", reason: String(cString: reason), package: "libzstd1")
        }
        throw .invalid("zstd: \(String(cString: failure))")
    }
}

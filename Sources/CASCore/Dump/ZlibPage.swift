import CZlib

/// zlib decompression of one kdump page (`compress2` output); the only file that imports zlib.
enum ZlibPage {
    /// The page `compressed` holds, of exactly `pageSize` bytes; nil when the data is not a valid zlib
    /// stream of that size.
    static func inflate(_ compressed: [UInt8], pageSize: Int) -> [UInt8]? {
        guard !compressed.isEmpty, pageSize > 0 else { return nil }
        var output = [UInt8](repeating: 0, count: pageSize)
        var outputLength = uLongf(pageSize)
        let status = output.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { input in
                uncompress(out.baseAddress, &outputLength, input.baseAddress, uLong(input.count))
            }
        }
        guard status == Z_OK, outputLength == uLongf(pageSize) else { return nil }
        return output
    }
}

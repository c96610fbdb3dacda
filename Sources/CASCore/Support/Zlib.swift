import CZlib

/// zlib's one-shot inflate: the only file that imports zlib (kdump pages are compressed with it).
public enum Zlib {
    /// Decompresses a zlib stream that inflates to at most `capacity` bytes; nil when it is not valid zlib data.
    public static func uncompress(_ input: [UInt8], capacity: Int) -> [UInt8]? {
        guard capacity > 0, capacity <= 1 << 24 else { return nil }
        var output = [UInt8](repeating: 0, count: capacity)
        var length = uLongf(capacity)
        let rc = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { inp in
                CZlib.uncompress(out.baseAddress, &length, inp.baseAddress, uLong(inp.count))
            }
        }
        guard rc == Z_OK else { return nil }
        return Array(output.prefix(Int(length)))
    }
}

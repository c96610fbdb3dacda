import Foundation

/// The fallback for dumps without VMCOREINFO: a streaming scan of the first bytes of the data for the
/// kernel's `Linux version …` banner and an `OSRELEASE=` line, in fixed-size chunks with overlap, using
/// `memchr` (no regular expression over the buffer, no buffer of the scanned size).
enum BannerScanner {
    static let chunkSize = 1 << 20
    /// Overlap between chunks: longer than any banner, so one split across chunks is still seen whole.
    static let overlap = 1024
    static let bannerMarker = Array("Linux version ".utf8)
    static let osreleaseMarker = Array("OSRELEASE=".utf8)

    struct Result: Equatable {
        var banner: String?
        var osrelease: String?
    }

    /// Scans up to `limit` bytes of `reader`'s source from offset 0; stops early at a complete banner.
    static func scan(_ reader: DumpReader, limit: Int64) throws(DumpError) -> Result {
        var result = Result()
        var placeholder: String?
        var position: Int64 = 0
        while position < limit {
            let count = Int(min(Int64(chunkSize + overlap), limit - position))
            let chunk = try reader.readUpTo(at: position, count: count)
            let found = search(chunk)
            if result.osrelease == nil { result.osrelease = found.osrelease }
            if let banner = found.banner {
                if isComplete(banner) {
                    result.banner = banner
                    return result
                }
                placeholder = placeholder ?? banner
            }
            if chunk.count < count { break }
            position += Int64(chunkSize)
        }
        result.banner = placeholder
        return result
    }

    /// The first complete banner (else the first banner) and the first `OSRELEASE=` value in `bytes`.
    static func search(_ bytes: [UInt8]) -> Result {
        var result = Result()
        var start = 0
        while let hit = find(bannerMarker, in: bytes, from: start) {
            if let banner = line(bytes, from: hit, maxLength: 512) {
                if isComplete(banner) {
                    result.banner = banner
                    break
                }
                result.banner = result.banner ?? banner
            }
            start = hit + 1
        }
        // The kernel image holds the format string `OSRELEASE=%s` too: only a value that is a release counts.
        var from = 0
        while let hit = find(osreleaseMarker, in: bytes, from: from) {
            if let value = line(bytes, from: hit + osreleaseMarker.count, maxLength: 128), VMCoreInfo.isRelease(value) {
                result.osrelease = value
                break
            }
            from = hit + 1
        }
        return result
    }

    /// A real banner has a release, the `#n` build count and no printf placeholders.
    static func isComplete(_ banner: String) -> Bool {
        guard let release = release(of: banner), !release.isEmpty, !banner.contains("%") else { return false }
        return version(of: banner) != nil
    }

    /// `uname -r` from a banner: the word after `Linux version `.
    static func release(of banner: String) -> String? {
        guard banner.hasPrefix("Linux version ") else { return nil }
        let word = banner.dropFirst("Linux version ".count).prefix { $0 != " " }
        return word.isEmpty ? nil : String(word)
    }

    /// `uname -v` from a banner: from the `#` after the compiler's closing parenthesis to the end.
    static func version(of banner: String) -> String? {
        guard let mark = banner.range(of: ") #", options: .backwards) ?? banner.range(of: " #") else { return nil }
        let version = banner[banner.index(before: mark.upperBound)...].trimmingBlanks()
        return version.count > 1 ? version : nil
    }

    /// Printable text from `offset` to the end of its line (newline, NUL or a control byte); nil when too long.
    private static func line(_ bytes: [UInt8], from offset: Int, maxLength: Int) -> String? {
        guard offset <= bytes.count else { return nil }
        let end = min(bytes.count, offset + maxLength)
        var index = offset
        while index < end, bytes[index] >= 0x20 || bytes[index] == 0x09, bytes[index] != 0x7f { index += 1 }
        guard index < end || end == bytes.count else { return nil }
        return String(decoding: bytes[offset..<index], as: UTF8.self).trimmingBlanks()
    }

    /// Offset of the first `needle` in `bytes` at or after `start`: `memchr` to each candidate first byte,
    /// then `memcmp` of the rest.
    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard start >= 0, !needle.isEmpty, start <= bytes.count - needle.count else { return nil }
        return bytes.withUnsafeBytes { haystack in
            needle.withUnsafeBytes { pattern in
                guard let base = haystack.baseAddress, let first = pattern.baseAddress else { return nil }
                let last = haystack.count - pattern.count
                var position = start
                while position <= last {
                    guard let hit = memchr(base + position, Int32(needle[0]), last - position + 1) else { return nil }
                    let offset = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(hit, first, pattern.count) == 0 { return offset }
                    position = offset + 1
                }
                return nil
            }
        }
    }
}

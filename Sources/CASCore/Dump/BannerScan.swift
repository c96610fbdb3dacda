/// The fallback for dumps without VMCOREINFO: a streaming search of the first bytes of the file for
/// the kernel banner (`Linux version …`) and `OSRELEASE=`, in fixed-size chunks.
enum BannerScan {
    static let chunk = 1 << 20
    static let keep = 512

    struct Found {
        var banner: String?
        var release: String?
    }

    /// Scans `source` from `start` up to `limit` bytes.
    static func scan(_ source: any ByteSource, start: Int64 = 0, limit: Int64) throws(ByteSourceError) -> Found {
        var found = Found()
        var position = start
        let end = start + limit
        while position < end {
            let wanted = Int(min(Int64(chunk + keep), end - position))
            let bytes = try source.read(at: position, count: wanted)
            if bytes.isEmpty { break }
            if found.banner == nil || found.banner.map(isPlaceholder) == true {
                for range in occurrences(of: bannerPrefix, in: bytes) {
                    guard let text = line(bytes, from: range) else { continue }
                    if found.banner == nil || (found.banner.map(isPlaceholder) == true && !isPlaceholder(text)) {
                        found.banner = text
                    }
                    if !isPlaceholder(text) { break }
                }
            }
            if found.release == nil, let range = occurrences(of: osrelease, in: bytes).first,
                let text = line(bytes, from: range)
            {
                found.release = String(text.dropFirst(osrelease.count))
            }
            if let banner = found.banner, !isPlaceholder(banner), found.release != nil { break }
            if bytes.count < wanted { break }
            position += Int64(chunk)
        }
        if found.release == nil, let banner = found.banner { found.release = release(fromBanner: banner) }
        return found
    }

    static let bannerPrefix = Array("Linux version ".utf8)
    static let osrelease = Array("OSRELEASE=".utf8)

    /// A 6.1 vmlinux also carries `Linux version … # SMP PREEMPT_DYNAMIC …` with a placeholder build number.
    static func isPlaceholder(_ banner: String) -> Bool { banner.contains(") # ") || !banner.contains("#") }

    /// `6.1.192-tiny-pidfix` from `Linux version 6.1.192-tiny-pidfix (ci@…) …`.
    static func release(fromBanner banner: String) -> String? {
        let rest = banner.dropFirst("Linux version ".count)
        let release = rest.prefix { $0 != " " }
        return release.isEmpty ? nil : String(release)
    }

    /// `#1 SMP Wed Jan  1 00:00:00 UTC 2025` from the banner: UTS_VERSION follows the last `) #`.
    static func version(fromBanner banner: String) -> String? {
        guard let range = banner.range(of: ") #", options: .backwards) else { return nil }
        return String(banner[banner.index(after: range.lowerBound)...]).trimmingCharacters(in: .whitespaces)
    }

    /// Start offsets of `needle` in `haystack` (byte search, first byte then compare).
    static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard let first = needle.first, haystack.count >= needle.count else { return [] }
        var hits: [Int] = []
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            guard let hit = haystack[i...last].firstIndex(of: first) else { break }
            if haystack[hit..<hit + needle.count].elementsEqual(needle) { hits.append(hit) }
            i = hit + 1
        }
        return hits
    }

    /// The printable text from `start` to the end of its line (at most 512 bytes), or nil when cut off.
    static func line(_ bytes: [UInt8], from start: Int) -> String? {
        var end = start
        while end < bytes.count, end - start < keep, bytes[end] >= 0x20 || bytes[end] == 0x09 { end += 1 }
        guard end < bytes.count else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

import Foundation

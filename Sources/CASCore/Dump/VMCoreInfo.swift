import Foundation

/// The VMCOREINFO text the kernel leaves for dump tools: `KEY=value` lines.
enum VMCoreInfo {
    /// Largest VMCOREINFO CAS reads (the kernel's own is one page; 1 MiB leaves room for any arch).
    static let maxSize = 1 << 20

    /// Every `KEY=value` line of `bytes`; text after a NUL is ignored, lines without `=` skipped.
    /// Lines end at LF or CR (so CRLF too). Read byte by byte: the text is ASCII, and walking it as
    /// `Character`s cost a fifth of `cas identify`'s run.
    static func parse(_ bytes: [UInt8]) -> [String: String] {
        var map: [String: String] = [:]
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        var lineStart = 0
        while lineStart < end {
            var lineEnd = lineStart
            var equals: Int?
            while lineEnd < end, bytes[lineEnd] != 0x0A, bytes[lineEnd] != 0x0D {
                if equals == nil, bytes[lineEnd] == UInt8(ascii: "=") { equals = lineEnd }
                lineEnd += 1
            }
            if let equals, equals > lineStart {
                map[String(decoding: bytes[lineStart..<equals], as: UTF8.self)] =
                    String(decoding: bytes[(equals + 1)..<lineEnd], as: UTF8.self)
            }
            lineStart = lineEnd + 1
        }
        return map
    }

    /// Fills what VMCOREINFO tells into `identity`: the map itself, release, build ID, page size,
    /// KASLR offset and crash time.
    static func apply(_ map: [String: String], to identity: inout KernelIdentity) {
        identity.vmcoreinfo = map
        if let release = map["OSRELEASE"], isRelease(release) { identity.release = release }
        if let buildId = map["BUILD-ID"], !buildId.isEmpty { identity.buildId = buildId.lowercased() }
        if let pageSize = map["PAGESIZE"].flatMap({ Int($0) }), pageSize > 0 { identity.pageSize = pageSize }
        if let offset = map["KERNELOFFSET"].flatMap({ UInt64($0, radix: 16) }) { identity.kernelOffset = offset }
        if let seconds = map["CRASHTIME"].flatMap({ Int64($0) }), seconds > 0 {
            identity.crashTime = Date(timeIntervalSince1970: TimeInterval(seconds))
        }
    }

    /// Whether `value` can be a kernel release (`uname -r`): it starts with a digit and is one printable
    /// word without `%` (so never the `OSRELEASE=%s` format string), at most 64 bytes (`__NEW_UTS_LEN`).
    static func isRelease(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard let first = bytes.first, first >= 0x30, first <= 0x39, bytes.count <= 64 else { return false }
        return bytes.allSatisfy { $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "%") }
    }

    /// A hex symbol address such as `SYMBOL(init_uts_ns)`.
    static func address(_ map: [String: String], _ key: String) -> UInt64? {
        map[key].flatMap { UInt64($0, radix: 16) }
    }
}

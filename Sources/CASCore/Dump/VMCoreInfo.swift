import Foundation

/// The VMCOREINFO text the kernel leaves for dump tools: `KEY=value` lines.
enum VMCoreInfo {
    /// Largest VMCOREINFO CAS reads (the kernel's own is one page; 1 MiB leaves room for any arch).
    static let maxSize = 1 << 20

    /// Every `KEY=value` line of `bytes`; text after a NUL is ignored, lines without `=` skipped.
    static func parse(_ bytes: [UInt8]) -> [String: String] {
        var map: [String: String] = [:]
        let text = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals])
            guard !key.isEmpty else { continue }
            map[key] = String(line[line.index(after: equals)...])
        }
        return map
    }

    /// Fills what VMCOREINFO tells into `identity`: the map itself, release, build ID, page size,
    /// KASLR offset and crash time.
    static func apply(_ map: [String: String], to identity: inout KernelIdentity) {
        identity.vmcoreinfo = map
        if let release = map["OSRELEASE"], !release.isEmpty { identity.release = release }
        if let buildId = map["BUILD-ID"], !buildId.isEmpty { identity.buildId = buildId.lowercased() }
        if let pageSize = map["PAGESIZE"].flatMap({ Int($0) }), pageSize > 0 { identity.pageSize = pageSize }
        if let offset = map["KERNELOFFSET"].flatMap({ UInt64($0, radix: 16) }) { identity.kernelOffset = offset }
        if let seconds = map["CRASHTIME"].flatMap({ Int64($0) }), seconds > 0 {
            identity.crashTime = Date(timeIntervalSince1970: TimeInterval(seconds))
        }
    }

    /// A hex symbol address such as `SYMBOL(init_uts_ns)`.
    static func address(_ map: [String: String], _ key: String) -> UInt64? {
        map[key].flatMap { UInt64($0, radix: 16) }
    }
}

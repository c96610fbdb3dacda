import Foundation

/// The answer of `cas identify` for one file: where the dump is and which kernel it is from.
public struct Identification: Sendable, Encodable {
    public var path: String
    /// The archive path to the dump member ("vmcore.tar.gz ⊃ vmcore"), nil for a plain dump.
    public var member: String?
    public var identity: KernelIdentity

    enum CodingKeys: String, CodingKey {
        case path, member, format, release, version, arch, buildId, crashTime, nodename, pageSize, dumpLevel
        case vmcoreinfo
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(member, forKey: .member)
        try c.encode(identity.format, forKey: .format)
        try c.encode(identity.release, forKey: .release)
        try c.encode(identity.version, forKey: .version)
        try c.encode(identity.arch, forKey: .arch)
        try c.encode(identity.buildId, forKey: .buildId)
        try c.encode(identity.crashTime.map { ISO8601DateFormatter().string(from: $0) }, forKey: .crashTime)
        try c.encode(identity.nodename, forKey: .nodename)
        try c.encode(identity.pageSize, forKey: .pageSize)
        try c.encode(identity.dumpLevel, forKey: .dumpLevel)
        try c.encode(identity.vmcoreinfo, forKey: .vmcoreinfo)
    }

    /// The human block `cas identify` prints.
    public var text: String {
        var lines = ["\(path):"]
        func add(_ label: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            lines.append("  " + (label + ":").padding(toLength: 12, withPad: " ", startingAt: 0) + value)
        }
        add("member", member)
        add("format", identity.format + (identity.dumpLevel.map { ", dump level \($0)" } ?? "")
            + (identity.pageCompression.map { ", \($0) pages" } ?? ""))
        add("release", identity.release)
        add("version", identity.version)
        add("arch", identity.arch)
        add("build ID", identity.buildId)
        add("crash time", identity.crashTime.map { ISO8601DateFormatter().string(from: $0) })
        add("node", identity.nodename)
        if identity.vmcoreinfo.isEmpty { add("banner", identity.banner) }
        return lines.joined(separator: "\n")
    }

    /// Identifies the dump at `path`: a plain dump read in place.
    public static func identify(path: String, bufferSize: Int64) throws(DumpError) -> Identification {
        let source: FileByteSource
        do {
            source = try FileByteSource(path: path)
        } catch {
            throw .read(error)
        }
        let identity = try DumpIdentifier.identify(source, name: path, bufferSize: bufferSize)
        return Identification(path: path, member: nil, identity: identity)
    }
}

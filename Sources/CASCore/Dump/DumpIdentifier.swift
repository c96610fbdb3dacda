import Foundation

/// Reads a dump's headers (through any ``ByteSource``) and says which kernel it is from.
public enum DumpIdentifier {
    /// Identifies the dump `source` holds; `bufferSize` bounds the banner scan of old dumps without VMCOREINFO.
    public static func identify(_ source: any ByteSource, name: String, bufferSize: Int64) throws(DumpError)
        -> KernelIdentity
    {
        let prefix: [UInt8]
        do {
            prefix = try source.read(at: 0, count: DumpFormat.sniffLength)
        } catch {
            throw .read(error)
        }
        guard !prefix.isEmpty else { throw .notADump(name, "the file is empty") }
        guard let format = DumpFormat.sniff(prefix) else {
            throw .notADump(name, Describe.content(prefix))
        }
        var identity: KernelIdentity
        switch format {
        case .elf:
            identity = try identifyELF(source, name: name, bufferSize: bufferSize)
        case .kdumpCompressed, .diskdump:
            identity = try identifyKdump(source, name: name, format: format, bufferSize: bufferSize)
        case .flattened:
            let inner = FlattenedSource(source, name: name)
            let head: [UInt8]
            do {
                head = try inner.read(at: 0, count: 8)
            } catch {
                throw .read(error)
            }
            guard let innerFormat = DumpFormat.sniff(head + [UInt8](repeating: 0, count: 64)),
                innerFormat == .kdumpCompressed || innerFormat == .diskdump
            else {
                throw .corrupt(name, "the flattened records do not start with a kdump-compressed header")
            }
            identity = try identifyKdump(inner, name: name, format: innerFormat, bufferSize: 0)
            identity.format = "flattened " + identity.format
        case .unsupported(let what) where what.contains("not a core"):
            throw .notADump(name, what)
        case .unsupported(let what):
            throw .unsupported(name, what)
        }
        guard identity.release != nil || identity.banner != nil else { throw .noKernelIdentity(name) }
        return identity
    }

    static func identifyKdump(_ source: any ByteSource, name: String, format: DumpFormat, bufferSize: Int64)
        throws(DumpError) -> KernelIdentity
    {
        var header = try KdumpHeader(try source.readExactly(0, 464, name: name, what: "kdump header"), name: name)
        if header.headerVersion >= 1 { try header.readSubHeader(source, name: name) }
        var identity = KernelIdentity(format: "\(format.name) v\(header.headerVersion)")
        identity.headerVersion = header.headerVersion
        identity.dumpLevel = header.dumpLevel
        identity.pageCompression = header.pageCompression
        identity.nodename = header.nodename.isEmpty ? nil : header.nodename
        identity.release = header.release.isEmpty ? nil : header.release
        identity.version = header.version.isEmpty ? nil : header.version
        identity.arch = header.machine.isEmpty ? nil : Architecture.normalise(header.machine)
        if header.timestamp > 0 { identity.crashTime = Date(timeIntervalSince1970: TimeInterval(header.timestamp)) }
        VMCoreInfo.apply(try header.vmcoreinfo(source, name: name), to: &identity)
        if identity.version == nil || identity.nodename == nil,
            let uts = KernelMemory.utsname(KdumpMemory(header: header, source: source), identity: identity)
        {
            identity.version = identity.version ?? uts.version
            identity.nodename = identity.nodename ?? uts.nodename
            identity.release = identity.release ?? uts.release
        }
        if identity.release == nil, bufferSize > 0 { try applyBannerScan(source, limit: bufferSize, to: &identity) }
        return identity
    }

    static func identifyELF(_ source: any ByteSource, name: String, bufferSize: Int64) throws(DumpError)
        -> KernelIdentity
    {
        let core = try ELFCore(source, name: name)
        var identity = KernelIdentity(
            format: "ELF\(core.is64 ? 64 : 32) core (\(core.bigEndian ? "big" : "little")-endian)")
        identity.arch = Architecture.fromELF(machine: core.machine, is64: core.is64, bigEndian: core.bigEndian)
        for note in try core.notes(source, name: name) where note.name == "VMCOREINFO" {
            VMCoreInfo.apply(VMCoreInfo.parse(note.desc), to: &identity)
        }
        if let uts = KernelMemory.utsname(ELFMemory(core: core, source: source), identity: identity) {
            identity.nodename = uts.nodename
            identity.version = uts.version
            if identity.release == nil { identity.release = uts.release }
        }
        if identity.release == nil || identity.version == nil {
            try applyBannerScan(source, limit: bufferSize, to: &identity)
        }
        return identity
    }

    static func applyBannerScan(_ source: any ByteSource, limit: Int64, to identity: inout KernelIdentity)
        throws(DumpError)
    {
        let found: BannerScan.Found
        do {
            found = try BannerScan.scan(source, limit: limit)
        } catch {
            throw .read(error)
        }
        if let banner = found.banner, !BannerScan.isPlaceholder(banner) || identity.banner == nil {
            identity.banner = banner
            if identity.version == nil { identity.version = BannerScan.version(fromBanner: banner) }
        }
        if identity.release == nil { identity.release = found.release }
    }
}

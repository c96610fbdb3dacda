/// Reads a dump's headers (through any ``ByteSource``) and says which kernel it is from.
public enum DumpIdentifier {
    /// The architecture source label of the kernel's own utsname read from memory.
    static let kernelUTSSource = "kernel utsname (init_uts_ns.name.machine)"

    /// Identifies the dump `source` holds; `bufferSize` bounds the banner scan of old dumps without VMCOREINFO.
    ///
    /// Reads only the headers the format defines (a few KiB), plus at most `bufferSize` bytes when the dump
    /// carries no VMCOREINFO and the kernel's banner has to be found in memory.
    public static func identify(_ source: any ByteSource, name: String, bufferSize: Int64) throws(DumpError)
        -> KernelIdentity
    {
        let reader = DumpReader(source: source, name: name)
        let prefix = try reader.readUpTo(at: 0, count: DumpFormat.sniffLength)
        guard !prefix.isEmpty else { throw .notADump(name, "empty file") }
        var identity: KernelIdentity
        switch DumpFormat.sniff(prefix) {
        case .elf: identity = try identifyELF(reader, bufferSize: bufferSize, label: "")
        case .kdumpCompressed, .diskdump: identity = try identifyKdump(reader, bufferSize: bufferSize, label: "")
        case .flattened: identity = try identifyFlattened(reader, bufferSize: bufferSize)
        case .unsupported(let what) where what == DumpFormat.elfExecutableMessage: throw .notADump(name, what)
        case .unsupported(let what): throw .unsupported(name, what)
        case nil:
            if try isMediaBackupSadump(reader) { throw .unsupported(name, "sadump (Fujitsu stand-alone dump)") }
            throw .notADump(name, "no dump format's magic at its start")
        }
        guard let release = identity.release else { throw .noKernelIdentity(name) }
        try checkPathSafe(release: release, buildId: identity.buildId, name: name)
        return identity
    }

    /// Refuses a release or build ID that could not be a path component: both name directories later
    /// (the cache, the job's `usr/lib/debug/lib/modules/<release>`), and a dump is untrusted input.
    static func checkPathSafe(release: String, buildId: String?, name: String) throws(DumpError) {
        guard SafePath.isComponent(release) else {
            throw .corrupt(name, "the kernel release '\(Escaped.text(release))' is not a release name "
                + "(letters, digits and ._-+~ only)")
        }
        if let buildId, !SafePath.isBuildId(buildId) {
            throw .corrupt(name, "BUILD-ID '\(Escaped.text(buildId))' is not hexadecimal")
        }
    }

    /// sadump's media-backup form keeps its `sadump\0\0` header after a 4096-byte media header.
    private static func isMediaBackupSadump(_ reader: DumpReader) throws(DumpError) -> Bool {
        try reader.readUpTo(at: 4096, count: 8) == DumpFormat.sadumpSignature
    }

    /// A flattened stream: the dump it describes is read through ``FlattenedByteSource`` and identified as usual.
    static func identifyFlattened(_ reader: DumpReader, bufferSize: Int64) throws(DumpError) -> KernelIdentity {
        let header = try reader.read(at: 0, count: 32, what: "flattened header")
        guard let type = HeaderBytes(header, order: .big).i64(16), type == 1 else {
            throw .corrupt(reader.name, "flattened header type is not 1 (TYPE_FLAT_HEADER)")
        }
        let flat = FlattenedByteSource(base: reader.source, name: reader.name)
        let inner = DumpReader(source: flat, name: reader.name)
        do throws(DumpError) {
            let prefix = try inner.readUpTo(at: 0, count: 64)
            switch DumpFormat.sniff(prefix) {
            case .elf: return try identifyELF(inner, bufferSize: bufferSize, label: "flattened ")
            case .kdumpCompressed, .diskdump:
                return try identifyKdump(inner, bufferSize: bufferSize, label: "flattened ")
            default:
                if prefix.isEmpty { throw .truncated(reader.name, "flattened stream holds no dump data") }
                throw .corrupt(reader.name, "flattened stream does not hold a kdump or ELF dump")
            }
        } catch {
            if let why = flat.corruption { throw .corrupt(reader.name, "flattened record: \(why)") }
            throw error
        }
    }

    /// VMCOREINFO from the dump's memory (``MemoryVMCoreInfo``) into `identity`, for dumps whose headers lack
    /// it, with the banner the memory scan saw. Returns whether memory was scanned (the banner scan of the
    /// file is then not needed), and what stopped the search (a read failure, a decompressor that cannot be
    /// loaded), reported only if the dump's kernel cannot be told otherwise.
    static func readVMCoreInfo(
        from memory: any DumpMemory, bufferSize: Int64, facts: Architecture.ContainerFacts,
        into identity: inout KernelIdentity
    ) -> (scanned: Bool, problem: DumpError?) {
        let findings: MemoryVMCoreInfo.Findings
        do throws(DumpError) {
            findings = try MemoryVMCoreInfo.find(in: memory, arch: identity.arch, limit: max(0, bufferSize))
        } catch {
            return (false, error)
        }
        if let found = findings.note {
            let pageSize = identity.pageSize
            VMCoreInfo.apply(VMCoreInfo.parse(found.text), to: &identity)
            identity.pageSize = identity.pageSize ?? pageSize
            identity.vmcoreinfoSource = "\(found.source) (physical 0x\(String(found.address, radix: 16)))"
            Architecture.resolve(&identity, facts: facts)
        }
        apply(findings.banner, to: &identity)
        return (findings.scanned, nil)
    }

    /// Fills version, release and banner from a banner scan's result where the identity lacks them.
    static func apply(_ found: BannerScanner.Result, to identity: inout KernelIdentity) {
        if let banner = found.banner {
            identity.banner = identity.banner ?? banner
            if identity.release == nil { identity.release = BannerScanner.release(of: banner) }
            if identity.version == nil { identity.version = BannerScanner.version(of: banner) }
        }
        if identity.release == nil { identity.release = found.osrelease }
    }

    /// Fills version, release and banner from a banner scan of the first `bufferSize` bytes, for dumps
    /// whose headers do not carry them.
    static func scanBanner(_ reader: DumpReader, bufferSize: Int64, into identity: inout KernelIdentity)
        throws(DumpError)
    {
        let found: BannerScanner.Result
        do throws(DumpError) {
            found = try BannerScanner.scan(reader, limit: max(0, bufferSize))
        } catch {
            // Only the version is missing: a read that fails (a stream cannot read back) costs just that.
            if identity.release != nil { return }
            throw error
        }
        apply(found, to: &identity)
    }
}

import Foundation

extension DumpIdentifier {
    /// kdump-compressed or diskdump: the `disk_dump_header`'s utsname and flags, then (kdump) the
    /// sub-header at `block_size` and the VMCOREINFO it points to; the banner scan when neither tells the kernel.
    static func identifyKdump(_ reader: DumpReader, bufferSize: Int64, label: String) throws(DumpError)
        -> KernelIdentity
    {
        let bytes = try reader.read(at: 0, count: KdumpHeader.readSize, what: "disk_dump_header")
        let header: KdumpHeader
        do {
            header = try KdumpHeader.parse(bytes)
        } catch {
            throw .corrupt(reader.name, "disk_dump_header: \(error.text)")
        }
        let kind = header.isDiskdump ? "diskdump" : "kdump-compressed"
        var identity = KernelIdentity(format: "\(label)\(kind) v\(header.headerVersion)")
        if header.incomplete { identity.format += " (incomplete)" }
        identity.headerVersion = header.headerVersion
        identity.pageCompression = header.compression
        identity.pageSize = header.blockSize
        header.utsname.fill(&identity, source: "kdump header utsname.machine")
        let facts = Architecture.ContainerFacts(
            order: header.order, orderSource: "kdump header", blockSize: header.blockSize, headerWide: header.wide)
        if header.timestamp > 0 && header.timestamp < 1 << 40 {
            identity.crashTime = Date(timeIntervalSince1970: TimeInterval(header.timestamp))
        }
        if !header.isDiskdump {
            try readSubHeader(reader, header: header, into: &identity)
        }
        Architecture.resolve(&identity, facts: facts)
        let pages = KdumpPageReader(reader: reader, header: header)
        var memoryProblem: DumpError?
        var scanned = false
        if !header.isDiskdump && identity.vmcoreinfo.isEmpty {
            (scanned, memoryProblem) = readVMCoreInfo(
                from: KdumpMemory(pages: pages), bufferSize: bufferSize, facts: facts, into: &identity)
        }
        if identity.version == nil, let uts = kernelUTSName(pages, identity: identity) {
            uts.fill(&identity, source: kernelUTSSource)
        }
        if identity.vmcoreinfo.isEmpty && (identity.release == nil || identity.version == nil) {
            // The pages were searched already; the file's raw bytes still hold uncompressed pages' banners.
            try scanBanner(reader, bufferSize: scanned ? 0 : bufferSize, into: &identity)
        }
        Architecture.resolve(&identity, facts: facts)
        if identity.release == nil, let memoryProblem { throw memoryProblem }
        return identity
    }

    /// The kdump sub-header: dump level and the VMCOREINFO region (header_version >= 3).
    private static func readSubHeader(_ reader: DumpReader, header: KdumpHeader, into identity: inout KernelIdentity)
        throws(DumpError)
    {
        let at = try reader.region(
            offset: UInt64(header.blockSize), size: UInt64(KdumpSubHeader.readSize), cap: KdumpSubHeader.readSize,
            what: "kdump sub-header")
        let bytes = try reader.read(at: at.offset, count: at.count, what: "kdump sub-header")
        guard let sub = KdumpSubHeader.parse(bytes, header: header) else { return }
        if sub.dumpLevel >= 0 && sub.dumpLevel <= 31 { identity.dumpLevel = Int(sub.dumpLevel) }
        if let (offset, size) = sub.vmcoreinfo {
            let region = try reader.region(offset: offset, size: size, cap: VMCoreInfo.maxSize, what: "VMCOREINFO")
            let text = try reader.read(at: region.offset, count: region.count, what: "VMCOREINFO")
            let saved = identity.pageSize
            VMCoreInfo.apply(VMCoreInfo.parse(text), to: &identity)
            identity.vmcoreinfoSource = "kdump sub-header"
            identity.pageSize = identity.pageSize ?? saved
        }
    }

    /// `init_uts_ns.name` read from the dump's pages, for dumps whose header utsname is empty (QEMU);
    /// nil when it cannot be located or read (the identification stands without it).
    private static func kernelUTSName(_ pages: KdumpPageReader, identity: KernelIdentity) -> UTSName? {
        guard !pages.header.isDiskdump, let symbol = VMCoreInfo.address(identity.vmcoreinfo, "SYMBOL(init_uts_ns)"),
            let physical = KernelAddress.physical(of: symbol, identity: identity)
        else { return nil }
        guard let bytes = try? pages.bytes(atPhysical: physical, count: KernelAddress.utsnameSpan) else { return nil }
        return KernelAddress.utsname(inInitUTSNamespace: bytes, identity: identity)
    }
}

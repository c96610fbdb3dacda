import Foundation

/// Reads the headers of an RPM file (lead, signature, main header), never its payload.
public enum RPMPackage {
    static let leadSize = 96
    static let leadMagic: [UInt8] = [0xed, 0xab, 0xee, 0xdb]

    /// The main header of the RPM at `path` and the offset where its payload starts.
    public static func readHeader(path: String) throws(PackageError) -> (header: RPMHeader, payloadOffset: Int64) {
        let source: FileByteSource
        do { source = try FileByteSource(path: path) } catch { throw .unreadable(path, error.reason) }
        func read(_ offset: Int, _ count: Int) throws(PackageError) -> [UInt8] {
            do { return try source.read(at: Int64(offset), count: count) } catch {
                throw .unreadable(path, error.reason)
            }
        }
        let lead = try read(0, leadSize)
        guard lead.count == leadSize, Array(lead[0..<4]) == leadMagic else {
            throw .corrupt(path, "not an RPM package (no RPM lead)")
        }
        let signatureIntro = try read(leadSize, RPMHeader.introSize)
        guard let signatureSize = RPMHeader.totalSize(intro: signatureIntro) else {
            throw .corrupt(path, "bad signature header at byte \(leadSize)")
        }
        let mainOffset = (leadSize + signatureSize + 7) & ~7
        let mainIntro = try read(mainOffset, RPMHeader.introSize)
        guard let mainSize = RPMHeader.totalSize(intro: mainIntro) else {
            throw .corrupt(path, "bad main header at byte \(mainOffset)")
        }
        let bytes = try read(mainOffset, mainSize)
        guard bytes.count == mainSize else { throw .corrupt(path, "truncated main header at byte \(mainOffset)") }
        guard let header = RPMHeader.parse(bytes) else {
            throw .corrupt(path, "main header at byte \(mainOffset) has entries outside its data")
        }
        return (header, Int64(mainOffset + mainSize))
    }

    /// The package facts and the kernels inside the RPM at `path`.
    public static func read(path: String) throws(PackageError) -> PackageContents {
        let header = try readHeader(path: path).header
        let dirs = header.strings(.dirNames)
        let bases = header.strings(.baseNames)
        let indexes = header.integers(.dirIndexes)
        let modes = header.integers(.fileModes)
        let links = header.strings(.fileLinkTos)
        var sizes = header.integers(.longFileSizes)
        if sizes.isEmpty { sizes = header.integers(.fileSizes) }
        guard indexes.count == bases.count else {
            throw .corrupt(path, "file list: \(bases.count) names but \(indexes.count) directory indexes")
        }
        var files: [PackageFile] = []
        files.reserveCapacity(bases.count)
        for (i, base) in bases.enumerated() {
            let dir = Int(indexes[i])
            guard dir >= 0, dir < dirs.count else {
                throw .corrupt(path, "file list: directory index \(dir) out of range")
            }
            let mode = i < modes.count ? UInt32(truncatingIfNeeded: modes[i]) & 0xffff : 0
            let link = i < links.count && !links[i].isEmpty ? links[i] : nil
            files.append(
                PackageFile(
                    path: dirs[dir] + base, mode: mode, size: i < sizes.count ? sizes[i] : nil, linkTarget: link))
        }
        let arch = header.string(.arch)
        return PackageContents(
            kind: .rpm, name: header.string(.name), version: header.string(.version), release: header.string(.release),
            arch: arch, buildTime: header.integers(.buildTime).first,
            payloadFormat: header.string(.payloadFormat), payloadCompressor: header.string(.payloadCompressor),
            kernels: KernelLocator.rpmKernels(files, arch: arch))
    }
}

import Foundation

/// Reads a loose debug vmlinux (ELF with DWARF): its release and banner from the `Linux version` string
/// in `.rodata`, its build ID from the GNU build-id note.
public enum LooseVmlinux {
    static let marker = Array("Linux version ".utf8)

    /// The package facts (kind `.vmlinux`) and the one kernel of the file at `path`.
    public static func read(path: String) throws(PackageError) -> PackageContents {
        do {
            let source = try FileByteSource(path: path)
            guard let elf = try ELFFile.read(source) else { throw PackageError.corrupt(path, "not an ELF file") }
            guard elf.sections.contains(where: { $0.name == ".debug_info" }) else {
                throw PackageError.corrupt(path, "ELF without debug info (.debug_info missing): not a debug vmlinux")
            }
            let rodata = elf.sections.first { $0.name == ".rodata" }
            let banners = try scanBanners(source, offset: rodata?.offset ?? 0, size: rodata?.size ?? (source.size ?? 0))
            guard let banner = chooseBanner(banners), let release = release(ofBanner: banner) else {
                throw PackageError.corrupt(path, "no 'Linux version' banner found in .rodata")
            }
            let kernel = KernelEntry(
                release: release, arch: elf.archName, buildId: try elf.buildId(source), banner: banner,
                vmlinuxPath: path, vmlinuxSize: source.size, modules: [])
            return PackageContents(kind: .vmlinux, name: (path as NSString).lastPathComponent, kernels: [kernel])
        } catch let error as PackageError {
            throw error
        } catch let error as ByteSourceError {
            throw .unreadable(path, error.reason)
        } catch {
            throw .unreadable(path, "\(error)")
        }
    }

    /// The GNU build ID of the ELF file at `path`, or nil when it has none or is not ELF.
    public static func buildId(path: String) -> String? {
        guard let source = try? FileByteSource(path: path), let elf = try? ELFFile.read(source) else { return nil }
        return try? elf.buildId(source)
    }

    /// Every `Linux version …` string in `size` bytes from `offset`, read in chunks.
    static func scanBanners(_ source: any ByteSource, offset: Int64, size: Int64) throws(ByteSourceError) -> [String] {
        let chunk = 4 << 20
        let overlap = 1024
        var found: [String] = []
        var at = offset
        let end = offset + min(size, 256 << 20)
        while at < end {
            let bytes = try source.read(at: at, count: Int(min(Int64(chunk + overlap), end - at)))
            if bytes.isEmpty { break }
            var i = 0
            while i + marker.count <= bytes.count {
                if bytes[i] == 0x4c, Array(bytes[i..<i + marker.count]) == marker, i < chunk {
                    let stop = bytes[i...].firstIndex { $0 == 0 || $0 == 0x0a } ?? bytes.count
                    let text = String(decoding: bytes[i..<stop], as: UTF8.self)
                    if !found.contains(text) { found.append(text) }
                    i = stop
                } else {
                    i += 1
                }
            }
            at += Int64(chunk)
        }
        return found
    }

    /// The complete banner: one with a release and a `#<build number>` version, else the longest.
    /// (6.1 kernels also carry a placeholder whose version is only `# SMP PREEMPT_DYNAMIC …`.)
    static func chooseBanner(_ banners: [String]) -> String? {
        let candidates = banners.filter { !$0.contains("%s") }
        if let complete = candidates.first(where: { $0.range(of: #"#[0-9]+"#, options: .regularExpression) != nil }) {
            return complete
        }
        return candidates.max { $0.count < $1.count }
    }

    /// The release from `Linux version <release> (…`.
    public static func release(ofBanner banner: String) -> String? {
        let rest = banner.dropFirst(marker.count)
        let release = rest.prefix { $0 != " " }
        return release.isEmpty ? nil : String(release)
    }
}

extension PackageContents {
    init(kind: Kind, name: String?, kernels: [KernelEntry]) {
        self.init(
            kind: kind, name: name, version: nil, release: nil, arch: kernels.first?.arch, buildTime: nil,
            payloadFormat: nil, payloadCompressor: nil, kernels: kernels)
    }
}

import Foundation

/// Reads a Debian/Ubuntu `.deb`/`.ddeb`: the ar container, then `control.tar.*` → `control` and `md5sums`.
/// `data.tar.*` is never read.
public enum DebPackage {
    /// The package facts and the kernels inside the package at `path`.
    public static func read(path: String) throws(PackageError) -> PackageContents {
        var control: String?
        var md5sums: String?
        do {
            let ar = try ArchiveReader(path: path)
            while let member = try ar.next() {
                guard member.path.hasPrefix("control.tar") else {
                    if member.path.hasPrefix("data.tar") { break }
                    continue
                }
                let tar = try ArchiveReader(nestedIn: ar, entryName: member.path)
                while let entry = try tar.next() {
                    let name = entry.path.hasPrefix("./") ? String(entry.path.dropFirst(2)) : entry.path
                    if name == "control" { control = try readText(tar, limit: 1 << 20) }
                    if name == "md5sums" { md5sums = try readText(tar, limit: 64 << 20) }
                    if control != nil, md5sums != nil { break }
                }
                break
            }
        } catch let error as ArchiveError {
            throw .corrupt(path, "\(error)")
        } catch let error as PackageError {
            throw error
        } catch {
            throw .corrupt(path, "\(error)")
        }
        guard let control else {
            throw .corrupt(path, "not a Debian package: no control.tar member with a control file")
        }
        let fields = parseControl(control)
        let arch = fields["architecture"].map(normaliseArch)
        let files = (md5sums ?? "").split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "  ") else { return nil }
            return String(line[range.upperBound...])
        }
        return PackageContents(
            kind: .deb, name: fields["package"], version: fields["version"], release: nil, arch: arch,
            buildTime: nil, payloadFormat: "tar", payloadCompressor: nil,
            kernels: KernelLocator.debKernels(files, arch: arch))
    }

    /// `Key: value` lines of a control file, keys lowercased (continuation lines ignored).
    static func parseControl(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix(" ") && !line.hasPrefix("\t") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].lowercased()
            fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    /// Debian architecture names to the kernel's (`amd64` → `x86_64`, `arm64` → `aarch64`, …).
    public static func normaliseArch(_ arch: String) -> String {
        switch arch {
        case "amd64": "x86_64"
        case "arm64": "aarch64"
        case "i386", "i686": "i386"
        case "ppc64el": "ppc64le"
        case "armhf", "armel": "arm"
        default: arch
        }
    }

    private static func readText(_ reader: ArchiveReader, limit: Int) throws -> String {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = try buffer.withUnsafeMutableBytes { raw throws(ArchiveError) in try reader.read(into: raw) }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
            if data.count > limit { throw PackageError.corrupt(reader.name, "member larger than \(limit) bytes") }
        }
        return String(decoding: data, as: UTF8.self)
    }
}

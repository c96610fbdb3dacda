import Foundation

/// Reads a Debian/Ubuntu `.deb`/`.ddeb`: the ar container, then `control.tar.*` → `control` and `md5sums`.
/// A package without `md5sums` (one built with plain `dpkg-deb --build`) is listed from its `data.tar.*`
/// member names instead, streamed once, reading the build-ID note of each vmlinux on the way.
public enum DebPackage {
    /// The package facts and the kernels inside the package at `path`.
    public static func read(path: String) throws(PackageError) -> PackageContents {
        var control: String?
        var md5sums: String?
        var listed: [String]?
        var buildIds: [String: String] = [:]
        var sizes: [String: Int64] = [:]
        do {
            let ar = try ArchiveReader(path: path)
            while let member = try ar.next() {
                if member.path.hasPrefix("control.tar") {
                    let tar = try ArchiveReader(nestedIn: ar, entryName: member.path)
                    while let entry = try tar.next() {
                        let name = entry.path.hasPrefix("./") ? String(entry.path.dropFirst(2)) : entry.path
                        if name == "control" { control = try readText(tar, limit: 1 << 20) }
                        if name == "md5sums" { md5sums = try readText(tar, limit: 64 << 20) }
                        if control != nil, md5sums != nil { break }
                    }
                    if md5sums != nil || control == nil { break }
                } else if member.path.hasPrefix("data.tar") {
                    guard control != nil, md5sums == nil else { break }
                    let tar = try ArchiveReader(nestedIn: ar, entryName: member.path)
                    var names: [String] = []
                    while let entry = try tar.next() {
                        guard entry.kind == .file || entry.kind == .symlink else { continue }
                        guard let name = memberPath(entry.path) else {
                            throw PackageError.corrupt(path, Self.unsafeMember(entry.path))
                        }
                        names.append(name)
                        if entry.kind == .file, KernelLocator.isDebVmlinux(name) {
                            sizes[name] = entry.size
                            buildIds[name] = try ELFFile.streamedBuildId { try tar.read(into: $0) }
                        }
                    }
                    listed = names
                    break
                }
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
        var files: [String] = []
        if let listed {
            files = listed
        } else {
            for line in (md5sums ?? "").split(separator: "\n") {
                guard let range = line.range(of: "  ") else { continue }
                let raw = String(line[range.upperBound...])
                guard let name = memberPath(raw) else { throw .corrupt(path, Self.unsafeMember(raw)) }
                files.append(name)
            }
        }
        var kernels = KernelLocator.debKernels(files, arch: arch)
        for i in kernels.indices {
            let inPackage = String(kernels[i].vmlinuxPath.drop { $0 == "/" })
            if let id = buildIds[inPackage] { kernels[i].buildId = id }
            if let size = sizes[inPackage] { kernels[i].vmlinuxSize = size }
        }
        return PackageContents(
            kind: .deb, name: fields["package"], version: fields["version"], release: nil, arch: arch,
            buildTime: nil, payloadFormat: "tar", payloadCompressor: nil, kernels: kernels)
    }

    /// Why a package naming `raw` is refused: reported by `cas-admin -b`, never indexed.
    static func unsafeMember(_ raw: String) -> String {
        "unsafe member path '\(Escaped.text(raw))' (it would leave the cache); skipped"
    }

    /// A member name relative to the package root (`./usr/…` → `usr/…`), or nil for one that is absolute
    /// or climbs out with `..`: such a name never becomes a path in the cache (the package is refused).
    static func memberPath(_ raw: String) -> String? {
        var name = raw
        while name.hasPrefix("./") { name.removeFirst(2) }
        guard !name.isEmpty, !name.hasPrefix("/"), !name.split(separator: "/").contains(".."),
            !name.utf8.contains(0)
        else { return nil }
        return name
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

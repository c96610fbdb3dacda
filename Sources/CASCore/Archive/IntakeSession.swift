import Foundation

/// One run of ``Intake``: walks the upload, checks every entry, writes the members, picks the dump.
final class IntakeSession {
    let intake: Intake
    let writer: JobDirectoryWriter
    let inputSize: Int64
    let walker: LayerWalker
    let progress: IntakeProgress
    let started = Date()
    var members: [IntakeRecord.Member] = []
    /// The dump rank of each member.
    var ranks: [Int] = []
    var warnings: [String] = []
    var bytesOut: Int64 = 0
    /// Bytes written for members that are not the dump.
    var extraBytesOut: Int64 = 0
    var linked = false
    var sinceSpaceCheck: Int64 = 0

    init(intake: Intake, writer: JobDirectoryWriter, inputSize: Int64) {
        self.intake = intake
        self.writer = writer
        self.inputSize = inputSize
        walker = LayerWalker(
            path: intake.source, displayName: Self.baseName(intake.source), decompressors: intake.decompressors)
        progress = IntakeProgress(total: inputSize, enabled: intake.showProgress)
    }

    func run() throws(ArchiveError) -> IntakeRecord {
        try walker.walk(other: { (entry) throws(ArchiveError) in try self.check(entry) },
                        leaf: { (leaf) throws(ArchiveError) in try self.take(leaf) })
        progress.finish()
        let dumps = members.indices.filter { members[$0].isDump }
        guard let chosen = dumps.max(by: { (ranks[$0], members[$0].bytes) < (ranks[$1], members[$1].bytes) }) else {
            throw .noDump(walker.displayName, heldDescription())
        }
        for index in dumps where index != chosen {
            warnings.append("\(members[index].path) is a dump too; \(members[chosen].path) (larger or a supported format) was chosen, "
                + "this one is kept as an extra member")
        }
        for warning in warnings { intake.logger.warning("\(warning)") }
        var record = IntakeRecord(
            dump: members[chosen].path, linked: linked, layers: walker.layers, members: members,
            warnings: warnings, bytesIn: linked ? 0 : max(walker.inputBytesRead, 0), bytesOut: bytesOut,
            seconds: Date().timeIntervalSince(started))
        record.decompressor = walker.decompressorProgram
        return record
    }

    /// Entries that are not regular files: refused when unsafe, skipped with a warning when harmless.
    func check(_ other: LayerWalker.OtherEntry) throws(ArchiveError) {
        let entry = other.entry
        if case .failure(let refusal) = MemberName.components(entry.path) {
            throw .unsafe(layer: other.layer, member: entry.path, why: refusal.why)
        }
        switch entry.kind {
        case .directory:
            return
        case .symlink, .hardlink:
            let target = entry.linkTarget ?? ""
            let kind = entry.kind == .symlink ? "symlink" : "hardlink"
            guard MemberName.linkStaysInside(path: entry.path, target: target, isHardlink: entry.kind == .hardlink)
            else {
                throw .unsafe(layer: other.layer, member: entry.path,
                              why: "\(kind) to '\(target)' leaves the job directory")
            }
            warnings.append("\(other.layer): skipped \(kind) \(entry.path) -> \(target) (links are not unpacked)")
        case .device:
            throw .unsafe(layer: other.layer, member: entry.path, why: "device node")
        case .fifo:
            throw .unsafe(layer: other.layer, member: entry.path, why: "FIFO")
        case .socket:
            throw .unsafe(layer: other.layer, member: entry.path, why: "socket")
        case .file, .other:
            warnings.append("\(other.layer): skipped \(entry.path) (not a regular file)")
        }
    }

    /// "a tar archive holding: notes.txt (12 B), dmesg.txt (40.0 KiB)".
    func heldDescription() -> String {
        let list = walker.seen.prefix(20).map { item in
            item.size.map { "\(item.path) (\(ByteCount.format($0)))" } ?? item.path
        }
        let more = walker.seen.count > 20 ? ", … \(walker.seen.count - 20) more" : ""
        return walker.summary + (list.isEmpty ? " with nothing in it" : " holding: " + list.joined(separator: ", ") + more)
    }

    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}

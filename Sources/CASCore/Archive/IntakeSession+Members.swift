import Foundation

extension IntakeSession {
    /// Writes one final member (or links the plain upload), with the space and bomb guards.
    func take(_ leaf: LayerWalker.Leaf) throws(ArchiveError) -> LayerWalker.Step {
        let prefix = try leaf.stream.peek(intake.sniffLength)
        let rank = intake.dumpRank(prefix)
        let dump = rank > 0
        if leaf.isPlainFile {
            guard dump else {
                throw .noDump(walker.displayName, "plain data whose first bytes are not a known dump format")
            }
            if let name = writer.link(intake.source, as: leaf.path) {
                linked = true
                members.append(.init(path: name, layer: leaf.layer, bytes: inputSize, dataBytes: inputSize, isDump: true))
                ranks.append(rank)
                bytesOut = inputSize
                return .next
            }
            try ensureSpace(for: leaf.path, need: inputSize)
            try write(leaf, components: [leaf.path], rank: rank, declared: inputSize)
            return .next
        }
        let components: [String]
        switch MemberName.components(leaf.path) {
        case .success(let parts): components = parts
        case .failure(let refusal): throw .unsafe(layer: leaf.layer, member: leaf.path, why: refusal.why)
        }
        if let declared = leaf.declaredSize { try ensureSpace(for: leaf.path, need: declared) }
        try write(leaf, components: components, rank: rank, declared: leaf.declaredSize)
        return .next
    }

    private func write(
        _ leaf: LayerWalker.Leaf, components: [String], rank: Int, declared: Int64?
    ) throws(ArchiveError) {
        let (fd, path) = try writer.createFile(components)
        defer { close(fd) }
        var out = SparseWriter(fd: fd, path: path)
        do throws(ArchiveError) {
            try copy(leaf, into: &out, path: path, declared: declared, isDump: rank > 0)
        } catch .noSpace(_, _, _, "") {
            // The disk filled up under us (another writer): say how much we needed and what is free.
            throw .noSpace(member: path, need: declared, free: FileSystem.freeBytes(intake.jobDirectory) ?? 0,
                           mount: Self.mountPoint(of: intake.jobDirectory))
        }
        if let declared, out.position < declared {
            throw .broken(layer: leaf.layer, member: leaf.stream.member, after: out.position,
                          reason: "declared \(ByteCount.format(declared))")
        }
        members.append(.init(path: path, layer: leaf.layer, bytes: out.position, dataBytes: out.dataBytes,
                             isDump: rank > 0))
        ranks.append(rank)
    }

    private func copy(
        _ leaf: LayerWalker.Leaf, into out: inout SparseWriter, path: String, declared: Int64?, isDump: Bool
    ) throws(ArchiveError) {
        let limits = intake.limits
        let readAtStart = walker.inputBytesRead
        var memberOut: Int64 = 0
        while try leaf.stream.nextChunk({ (chunk) throws(ArchiveError) in
            try out.write(chunk)
            bytesOut += Int64(chunk.count)
            memberOut += Int64(chunk.count)
            if !isDump {
                extraBytesOut += Int64(chunk.count)
                try checkExtra(leaf, path: path, memberOut: memberOut, memberIn: walker.inputBytesRead - readAtStart)
            }
            sinceSpaceCheck += Int64(chunk.count)
            if bytesOut > limits.maxUnpackSize {
                throw .bomb(layer: leaf.layer, why: "more than \(ByteCount.format(limits.maxUnpackSize)) unpacked "
                    + "(maxUnpackSize in [advanced])")
            }
            let read = max(walker.inputBytesRead, 1)
            if bytesOut > limits.ratioFloor, bytesOut / read > Int64(limits.maxExpansionRatio) {
                throw .bomb(layer: leaf.layer, why: "\(ByteCount.format(bytesOut)) unpacked from "
                    + "\(ByteCount.format(read)) (more than \(limits.maxExpansionRatio)× — maxExpansionRatio in [advanced])")
            }
            if sinceSpaceCheck >= 64 << 20 {
                sinceSpaceCheck = 0
                try ensureSpace(for: path, need: declared.map { max($0 - out.position, 0) } ?? 0)
            }
            progress.update(bytesIn: walker.inputBytesRead, bytesOut: bytesOut)
        }) {}
        try out.finish()
    }

    /// The bomb guard for members that are not the dump: their total, and each one's expansion ratio.
    private func checkExtra(_ leaf: LayerWalker.Leaf, path: String, memberOut: Int64, memberIn: Int64)
        throws(ArchiveError)
    {
        let limits = intake.limits
        if extraBytesOut > limits.maxExtraSize {
            throw .bomb(layer: leaf.layer, why: "the members beside the dump unpack to more than "
                + "\(ByteCount.format(limits.maxExtraSize)) (at \(path); maxExtraSize in [advanced])")
        }
        if memberOut > limits.extraRatioFloor, memberOut / max(memberIn, 1) > Int64(limits.maxExtraRatio) {
            throw .bomb(layer: leaf.layer, why: "\(path): \(ByteCount.format(memberOut)) unpacked from "
                + "\(ByteCount.format(max(memberIn, 1))) (more than \(limits.maxExtraRatio)× for a member that is not "
                + "the dump — maxExtraRatio in [advanced])")
        }
    }

    /// Fails when writing `need` more bytes would leave less than the reserve free.
    /// The reserve is at most a twentieth of the file system, so small file systems stay usable.
    func ensureSpace(for member: String, need: Int64) throws(ArchiveError) {
        var info = statvfs()
        guard statvfs(intake.jobDirectory, &info) == 0 else { return }
        let free = Int64(info.f_bavail) * Int64(info.f_frsize)
        let reserve = min(intake.limits.reserve, Int64(info.f_blocks) * Int64(info.f_frsize) / 20)
        if free - need < reserve {
            throw .noSpace(member: member, need: need > 0 ? need : nil, free: free,
                           mount: Self.mountPoint(of: intake.jobDirectory))
        }
    }

    /// The mount point holding `path` (the highest ancestor on the same device).
    static func mountPoint(of path: String) -> String {
        var current = URL(fileURLWithPath: path).standardizedFileURL.path
        var st = stat()
        guard stat(current, &st) == 0 else { return path }
        let device = st.st_dev
        while current != "/" {
            let parent = (current as NSString).deletingLastPathComponent
            var pst = stat()
            guard stat(parent, &pst) == 0, pst.st_dev == device else { break }
            current = parent
        }
        return current
    }
}

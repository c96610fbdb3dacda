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
        let limits = intake.limits
        while try leaf.stream.nextChunk({ (chunk) throws(ArchiveError) in
            try out.write(chunk)
            bytesOut += Int64(chunk.count)
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
                try ensureSpace(for: path, need: declared.map { max($0 - out.position, 0) } ?? 0, during: true)
            }
            progress.update(bytesIn: walker.inputBytesRead, bytesOut: bytesOut)
        }) {}
        try out.finish()
        if let declared, out.position < declared {
            throw .broken(layer: leaf.layer, member: leaf.stream.member, after: out.position,
                          reason: "declared \(ByteCount.format(declared))")
        }
        members.append(.init(path: path, layer: leaf.layer, bytes: out.position, dataBytes: out.dataBytes,
                             isDump: rank > 0))
        ranks.append(rank)
    }

    /// Fails when writing `need` more bytes would leave less than the reserve free.
    func ensureSpace(for member: String, need: Int64, during: Bool = false) throws(ArchiveError) {
        guard let free = FileSystem.freeBytes(intake.jobDirectory) else { return }
        if free - need < intake.limits.reserve {
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

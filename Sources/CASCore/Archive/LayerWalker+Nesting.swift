extension LayerWalker {
    /// Walks the entries of `reader` (whose first header `first` is already read); returns false to stop.
    func walk(
        _ reader: ArchiveReader, first: ArchiveReader.Entry, rawName: String, declaredSize: Int64?,
        parentLayer: String, depth: Int,
        other: (OtherEntry) throws(ArchiveError) -> Void,
        leaf: (Leaf) throws(ArchiveError) -> Step
    ) throws(ArchiveError) -> Bool {
        if depth > describedDepth {
            describedDepth = depth
            layers += reader.filters.map { "\($0) data" }
            if !reader.isRaw { layers.append(reader.containerKind) }
        }
        if reader.isRaw {
            let name = MemberName.strippingCompression(rawName, layers: reader.filters.count)
            let size = reader.filters.isEmpty ? declaredSize : nil
            seen.append((name, size))
            // A plain member of an archive sits in its parent's layer; a bare compressed stream is its own layer.
            let layer = reader.filters.isEmpty ? parentLayer : reader.name
            let stream = MemberStream(reader: reader, layer: layer, member: name)
            return try leaf(Leaf(path: name, layer: layer, declaredSize: size, isPlainFile: false,
                                 stream: stream)) == .next
        }
        var entry: ArchiveReader.Entry? = first
        while let current = entry {
            if current.kind == .file {
                seen.append((current.path, current.size))
                guard depth < maxDepth else { throw .tooDeep(reader.name, maxDepth) }
                let nested = try ArchiveReader(nestedIn: reader, entryName: current.path)
                let nestedFirst: ArchiveReader.Entry?
                do {
                    nestedFirst = try nested.next()
                } catch {
                    let hint = current.path.lowercased().hasSuffix(".7z")
                        ? " (7z archives can be read only at the top level, not inside another archive)" : ""
                    throw .message(nested.name, error.reason + hint)
                }
                let replay = nested.takeRecordedBytes()
                if nestedFirst == nil, !nested.isEmpty, !nested.isRaw, let replay, !replay.isEmpty {
                    // Data that only looks like an empty archive (all zeros end a tar): a plain member after all.
                    let stream = MemberStream(reader: reader, layer: reader.name, member: current.path, replay: replay)
                    let step = try leaf(Leaf(path: current.path, layer: reader.name, declaredSize: current.size,
                                             isPlainFile: false, stream: stream))
                    if step == .stop { return false }
                } else if let nestedFirst {
                    let goOn = try walk(nested, first: nestedFirst, rawName: current.path, declaredSize: current.size,
                                        parentLayer: reader.name, depth: depth + 1, other: other, leaf: leaf)
                    if !goOn { return false }
                } else if nested.isEmpty {
                    // An empty member (an empty vmcore-dmesg.txt): the nested reader is at its end already, so the
                    // member's (zero) bytes are read from the parent, which reports their end at once.
                    let stream = MemberStream(reader: reader, layer: reader.name, member: current.path, replay: [])
                    let step = try leaf(Leaf(path: current.path, layer: reader.name, declaredSize: 0,
                                             isPlainFile: false, stream: stream))
                    if step == .stop { return false }
                } else {
                    let stream = MemberStream(reader: nested, layer: reader.name, member: current.path)
                    let step = try leaf(Leaf(path: current.path, layer: reader.name, declaredSize: 0,
                                             isPlainFile: false, stream: stream))
                    if step == .stop { return false }
                }
            } else {
                seen.append((current.path, nil))
                try other(OtherEntry(entry: current, layer: reader.name))
            }
            entry = try reader.next()
        }
        return true
    }

    func baseName(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.isEmpty ? "data" : name
    }
}

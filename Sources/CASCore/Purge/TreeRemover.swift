import Foundation

/// Space a removal frees: allocated blocks, counting a hard-linked file only once all its links go.
struct SpaceCounter {
    private(set) var freed: Int64 = 0
    /// Allocated bytes of everything counted, links or not (the footprint of a cache entry).
    private(set) var allocated: Int64 = 0
    private var linksSeen: [InodeKey: Int] = [:]

    struct InodeKey: Hashable {
        let device: UInt64
        let inode: UInt64
    }

    mutating func add(_ st: stat) {
        let bytes = Int64(st.st_blocks) * 512
        allocated += bytes
        if DirectoryFD.isDirectory(st) || st.st_nlink <= 1 {
            freed += bytes
            return
        }
        let key = InodeKey(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
        let seen = linksSeen[key, default: 0] + 1
        linksSeen[key] = seen
        if seen == Int(st.st_nlink) { freed += bytes }
    }
}

/// Removes (or, dry, measures) a directory tree through directory descriptors only.
///
/// Never follows a symlink (a link is unlinked, its target untouched), never crosses into another
/// file system (a mount point is reported and left), and goes on past an entry it cannot remove,
/// recording why. Dry and real runs walk the same way, so a dry run counts exactly what a real one frees.
struct TreeRemover {
    var dryRun: Bool
    var counter = SpaceCounter()
    var failures: [String] = []
    static let maxDepth = 200

    init(dryRun: Bool) { self.dryRun = dryRun }

    /// Removes `name` (a directory whose lstat is `st`) from `parent`, contents first; true when it is gone.
    @discardableResult
    mutating func removeDirectory(_ name: String, in parent: DirectoryFD, st: stat) -> Bool {
        let child: DirectoryFD
        switch parent.child(name) {
        case .success(let opened): child = opened
        case .failure(let error):
            failures.append(error.description)
            return false
        }
        return removeDirectory(child, name: name, in: parent, st: st)
    }

    /// Removes the already opened directory `child` (entry `name` of `parent`); true when it is gone.
    mutating func removeDirectory(_ child: DirectoryFD, name: String, in parent: DirectoryFD, st: stat) -> Bool {
        guard let opened = child.status(), opened.st_dev == st.st_dev, opened.st_ino == st.st_ino else {
            failures.append("\(child.path): changed while being examined; left alone")
            return false
        }
        guard emptyContents(of: child, device: st.st_dev, depth: 1) else { return false }
        return removeEntry(name, in: parent, st: st)
    }

    private mutating func emptyContents(of directory: DirectoryFD, device: dev_t, depth: Int) -> Bool {
        guard depth <= Self.maxDepth else {
            failures.append("\(directory.path): nested deeper than \(Self.maxDepth) levels; left alone")
            return false
        }
        let names: [String]
        do {
            names = try directory.names()
        } catch {
            failures.append(error.description)
            return false
        }
        var emptied = true
        for name in names {
            guard let st = directory.lstat(name) else {
                if errno == ENOENT { continue }
                failures.append("\(directory.path)/\(name): \(DirectoryFD.lastError())")
                emptied = false
                continue
            }
            if DirectoryFD.isDirectory(st) {
                guard st.st_dev == device else {
                    failures.append("\(directory.path)/\(name): a mount point; not crossed")
                    emptied = false
                    continue
                }
                switch directory.child(name) {
                case .success(let child):
                    guard let opened = child.status(), opened.st_ino == st.st_ino, opened.st_dev == st.st_dev,
                        emptyContents(of: child, device: device, depth: depth + 1)
                    else {
                        emptied = false
                        continue
                    }
                case .failure(let error):
                    failures.append(error.description)
                    emptied = false
                    continue
                }
            }
            if !removeEntry(name, in: directory, st: st) { emptied = false }
        }
        return emptied
    }

    private mutating func removeEntry(_ name: String, in directory: DirectoryFD, st: stat) -> Bool {
        if !dryRun, let error = directory.remove(name, directory: DirectoryFD.isDirectory(st)) {
            if error == ENOENT { return true }
            failures.append("\(directory.path)/\(name): \(String(cString: strerror(error)))")
            return false
        }
        counter.add(st)
        return true
    }
}

import Foundation

/// Finds the files `cas-admin -b` reads under `kernels`, following symlinks like `find -L`
/// and visiting each directory once (a device+inode set stops symlink loops).
public enum PackageWalker {
    /// A file to index, with the stamp that decides whether it changed.
    public struct Candidate: Sendable, Equatable {
        public var path: String
        public var kind: PackageContents.Kind
        public var size: Int64
        public var mtime: Double
    }

    /// What one walk found: the candidates, and the directories it could not list (their packages unknown).
    public struct Scan: Sendable {
        public var candidates: [Candidate] = []
        public var unreadableDirectories: [String] = []
    }

    /// The RPMs matching `rpmFilter`, Debian packages matching `debFilter` and `vmlinux*` files under `root`.
    public static func candidates(root: String, rpmFilter: FindRegex, debFilter: FindRegex) throws(IndexError)
        -> [Candidate]
    {
        try scan(root: root, rpmFilter: rpmFilter, debFilter: debFilter).candidates
    }

    /// ``candidates(root:rpmFilter:debFilter:)`` and the directories under `root` this user cannot list.
    /// A `root` that is missing, not a directory or not readable is an error: nothing can be said of its packages.
    public static func scan(root: String, rpmFilter: FindRegex, debFilter: FindRegex) throws(IndexError) -> Scan {
        var st = stat()
        guard stat(root, &st) == 0 else { throw .noKernelsDirectory(root, String(cString: strerror(errno))) }
        guard st.st_mode & S_IFMT == S_IFDIR else { throw .noKernelsDirectory(root, "not a directory") }
        guard access(root, R_OK | X_OK) == 0 else {
            let why = String(cString: strerror(errno))
            throw .noKernelsDirectory(root, "not readable by \(FileKind.userName(geteuid())) (\(why))")
        }
        var seen: Set<[UInt64]> = [[UInt64(st.st_dev), UInt64(st.st_ino)]]
        var found: [Candidate] = []
        var unreadable: [String] = []
        var stack = [root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root]
        while let dir = stack.popLast() {
            guard let handle = opendir(dir) else {
                unreadable.append(dir)
                continue
            }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let path = dir + "/" + name
                var info = stat()
                guard stat(path, &info) == 0 else { continue }  // dangling link: find -L skips it too
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    if seen.insert([UInt64(info.st_dev), UInt64(info.st_ino)]).inserted { stack.append(path) }
                case S_IFREG:
                    let kind: PackageContents.Kind
                    if rpmFilter.matches(path) {
                        kind = .rpm
                    } else if debFilter.matches(path) {
                        kind = .deb
                    } else if name.hasPrefix("vmlinux") {
                        kind = .vmlinux
                    } else {
                        continue
                    }
                    let mtime = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
                    found.append(Candidate(path: path, kind: kind, size: Int64(info.st_size), mtime: mtime))
                default:
                    continue
                }
            }
        }
        return Scan(candidates: found.sorted { $0.path < $1.path }, unreadableDirectories: unreadable.sorted())
    }
}

/// A failure of the index build as a whole (a single package's failure is a ``PackageError``).
public enum IndexError: CASError {
    case noKernelsDirectory(String, String)
    /// `kernels` holds no package while the index lists some from it: an unmounted share, most likely.
    case emptyKernels(String, indexed: Int)
    case store(StoreError)

    public var description: String {
        switch self {
        case .noKernelsDirectory(let path, let why):
            "kernels directory \(path): \(why) (set 'kernels' in [settings] to the debuginfo package tree)"
        case .emptyKernels(let path, let indexed):
            "kernels directory \(path) holds no packages, but the index has \(indexed) from it (an unmounted share?); "
                + "nothing was removed. Mount it, or run 'cas-admin -b --allow-empty' to empty the index"
        case .store(let error): error.description
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .noKernelsDirectory: .configuration
        case .emptyKernels: .noInput
        case .store(let error): error.exitStatus
        }
    }
}

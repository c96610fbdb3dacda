import Foundation

/// A job's directory: `<workDirectory>/<ID>/<YYYY.MM.DD.HH.MM.SS>[.N]/`, created atomically, with
/// `<ID>/latest` pointing at the newest job of the ID.
public struct JobDirectory: Sendable {
    /// The case ID.
    public let caseId: String
    /// `<workDirectory>/<ID>`.
    public let idDirectory: String
    /// The timestamp name, with `.N` when a job of the same second already exists.
    public let name: String

    /// The full path of the job directory.
    public var path: String { idDirectory + "/" + name }
    /// The process log inside it.
    public var logPath: String { JobLayout.path(JobLayout.log(caseId: caseId), in: path) }

    /// Creates a fresh job directory (mode 0750) for `caseId` under `workDirectory`.
    ///
    /// The directories are opened, not trusted: `<ID>` and the job directory are made and opened without
    /// following a symlink and must belong to this user, and the job directory is made relative to the
    /// descriptor of `<ID>`, so a link or a directory someone else planted at `<workDirectory>/<ID>` can
    /// never redirect the job (and the customer's dump) elsewhere. The `workDirectory` and every directory
    /// above it must be root's or this user's and writable by no one else (sticky directories aside), so
    /// that nobody can swap a directory of the chain after these checks: the job's files, written by path
    /// below it, then land exactly where the descriptors point.
    ///
    /// With `group` (`[settings] analysts`), `<ID>` and the job directory are given to that group with mode
    /// 2750: its members read every job, and the setgid bit hands the group to every file and folder made
    /// inside (the files are 0640, the folders 0750 under ``Privileges/restrictUmask(groupReadable:)``).
    public static func create(workDirectory: String, caseId: String, now: Date = Date(), group: String? = nil)
        throws(JobError) -> JobDirectory
    {
        if let problem = CaseID.problem(caseId) { throw .badID(problem) }
        var gid: gid_t?
        if let group {
            guard let entry = getgrnam(group) else {
                throw .cannotCreate(
                    workDirectory + "/" + caseId,
                    "[settings] analysts names group '\(group)', which does not exist on this host (groupadd \(group))")
            }
            gid = entry.pointee.gr_gid
        }
        // Everything the job writes lies below this chain: no one but root and this user may change it.
        if let problem = TrustedPath.problem(workDirectory, owners: [0, geteuid()], stickyTarget: true) {
            throw .cannotCreate(workDirectory + "/" + caseId, "the work directory \(workDirectory) \(problem); "
                + "only root and \(FileKind.userName(geteuid())) may be able to change it (chmod go-w, or +t for a shared one)")
        }
        let idDirectory = workDirectory + "/" + caseId
        if mkdir(idDirectory, 0o750) != 0, errno != EEXIST {
            throw .cannotCreate(idDirectory, String(cString: strerror(errno)))
        }
        let idfd = try openOwned(idDirectory, at: AT_FDCWD, name: idDirectory)
        defer { close(idfd) }
        if let gid { try share(idfd, path: idDirectory, with: gid) }
        let stamp = timestamp(now)
        for attempt in 1...10_000 {
            let name = attempt == 1 ? stamp : "\(stamp).\(attempt)"
            if mkdirat(idfd, name, 0o750) == 0 {
                let jobfd = try openOwned(idDirectory + "/" + name, at: idfd, name: name)
                defer { close(jobfd) }
                if let gid { try share(jobfd, path: idDirectory + "/" + name, with: gid) }
                return JobDirectory(caseId: caseId, idDirectory: idDirectory, name: name)
            }
            // A purge removed the (empty) <ID> directory in between: start again on a new one.
            if errno == ENOENT {
                return try create(workDirectory: workDirectory, caseId: caseId, now: now, group: group)
            }
            if errno != EEXIST { throw .cannotCreate(idDirectory + "/" + name, String(cString: strerror(errno))) }
        }
        throw .cannotCreate(idDirectory + "/" + stamp, "too many jobs in the same second")
    }

    /// Gives the open directory `fd` to group `gid` with mode 2750 (group read and search, setgid).
    private static func share(_ fd: Int32, path: String, with gid: gid_t) throws(JobError) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .cannotCreate(path, String(cString: strerror(errno))) }
        if st.st_gid != gid, fchown(fd, uid_t.max, gid) != 0 {
            let user = FileKind.userName(geteuid())
            let group = FileKind.groupName(gid)
            let why =
                errno == EPERM
                ? "\(user) is not a member (usermod -aG \(group) \(user))" : String(cString: strerror(errno)).lowercased()
            throw .cannotCreate(path, "cannot give it to the analysts' group \(group): \(why)")
        }
        if st.st_mode & 0o7777 != 0o2750, fchmod(fd, 0o2750) != 0 {
            throw .cannotCreate(path, "cannot make it mode 2750: \(String(cString: strerror(errno)))")
        }
    }

    /// Opens directory `name` (relative to `at`) without following a link; it must be this user's.
    private static func openOwned(_ path: String, at: Int32, name: String) throws(JobError) -> Int32 {
        let fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let why = errno == ELOOP || errno == ENOTDIR ? "not a directory (a symlink?); refusing to follow it"
                : String(cString: strerror(errno))
            throw .cannotCreate(path, why)
        }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_uid == geteuid() else {
            close(fd)
            throw .cannotCreate(path, "owned by \(FileKind.userName(st.st_uid)), not by \(FileKind.userName(geteuid())); refusing to use it")
        }
        return fd
    }

    /// `YYYY.MM.DD.HH.MM.SS` in local time, 24-hour clock.
    public static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&seconds, &parts)
        return String(
            format: "%04d.%02d.%02d.%02d.%02d.%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    /// Orders job directory names by time, then by their `.N` suffix.
    public static func isNewer(_ a: String, than b: String) -> Bool {
        func split(_ name: String) -> (String, Int) {
            let parts = name.split(separator: ".")
            if parts.count == 7, let n = Int(parts[6]) { return (parts[0..<6].joined(separator: "."), n) }
            return (name, 1)
        }
        let (stampA, nA) = split(a)
        let (stampB, nB) = split(b)
        return stampA != stampB ? stampA > stampB : nA > nB
    }

    /// Points `<ID>/latest` at this job unless a newer job already holds it; atomic (symlink + rename).
    public func pointLatest() throws(JobError) {
        let latest = idDirectory + "/" + JobLayout.latest
        let lock = try? DirectoryLock(path: idDirectory, exclusive: true, wait: true)
        defer { lock?.unlock() }
        if let current = try? FileManager.default.destinationOfSymbolicLink(atPath: latest),
            FileManager.default.fileExists(atPath: idDirectory + "/" + current),
            Self.isNewer(current, than: name)
        {
            return
        }
        do throws(AtomicFileError) {
            try AtomicFile.symlink(name, at: latest)
        } catch {
            throw .cannotCreate(latest, error.reason)
        }
    }
}

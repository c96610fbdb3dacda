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
    public var logPath: String { path + "/" + caseId + ".log" }

    /// Creates a fresh job directory (mode 0750) for `caseId` under `workDirectory`.
    public static func create(workDirectory: String, caseId: String, now: Date = Date()) throws(JobError)
        -> JobDirectory
    {
        if let problem = CaseID.problem(caseId) { throw .badID(problem) }
        let idDirectory = workDirectory + "/" + caseId
        if mkdir(idDirectory, 0o750) != 0, errno != EEXIST {
            throw .cannotCreate(idDirectory, String(cString: strerror(errno)))
        }
        let stamp = timestamp(now)
        for attempt in 1...10_000 {
            let name = attempt == 1 ? stamp : "\(stamp).\(attempt)"
            if mkdir(idDirectory + "/" + name, 0o750) == 0 {
                return JobDirectory(caseId: caseId, idDirectory: idDirectory, name: name)
            }
            // A purge removed the empty <ID> directory in between: make it again and retry this name.
            if errno == ENOENT, mkdir(idDirectory, 0o750) == 0 || errno == EEXIST,
                mkdir(idDirectory + "/" + name, 0o750) == 0
            {
                return JobDirectory(caseId: caseId, idDirectory: idDirectory, name: name)
            }
            if errno != EEXIST { throw .cannotCreate(idDirectory + "/" + name, String(cString: strerror(errno))) }
        }
        throw .cannotCreate(idDirectory + "/" + stamp, "too many jobs in the same second")
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
        let latest = idDirectory + "/latest"
        let lock = try? DirectoryLock(path: idDirectory, exclusive: true, wait: true)
        defer { lock?.unlock() }
        if let current = try? FileManager.default.destinationOfSymbolicLink(atPath: latest),
            FileManager.default.fileExists(atPath: idDirectory + "/" + current),
            Self.isNewer(current, than: name)
        {
            return
        }
        let temporary = idDirectory + "/.latest.\(getpid())"
        unlink(temporary)
        guard symlink(name, temporary) == 0 else { throw .cannotCreate(temporary, String(cString: strerror(errno))) }
        guard rename(temporary, latest) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .cannotCreate(latest, reason)
        }
    }
}

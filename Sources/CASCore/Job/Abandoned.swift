import Foundation

/// Finds jobs that died without saying so (`kill -9`, a crash, a power cut) and records them as abandoned.
///
/// A running job holds an exclusive ``DirectoryLock`` on its directory from before its row is inserted until
/// it has written its outcome, and the kernel drops that lock when the process dies. So a row still in an
/// active state whose directory nobody has locked (or whose directory is gone) belongs to a dead process.
public enum AbandonedJobs {
    /// One job marked abandoned: its directory and the step it died in.
    public struct Swept: Sendable, Equatable {
        public var directory: String
        public var step: JobRecord.State
    }

    /// Marks every active job whose directory lock is no longer held as `abandoned` with the step it was in.
    /// Returns what it marked; safe to run while jobs are working (their locks are held, they are left alone).
    @discardableResult
    public static func sweep(store: Store, now: Date = Date()) throws(StoreError) -> [Swept] {
        var swept: [Swept] = []
        for job in try store.activeJobs() {
            guard let id = job.id else { continue }
            let exists = FileManager.default.fileExists(atPath: job.directory)
            if exists, DirectoryLock.isHeld(job.directory) { continue }
            let reason =
                exists
                ? "the process (pid \(job.pid.map(String.init) ?? "?")) stopped while \(job.state.rawValue)"
                : "the job directory \(job.directory) is gone"
            if try store.markAbandoned(id: id, step: job.state, reason: reason, at: now) {
                swept.append(Swept(directory: job.directory, step: job.state))
            }
        }
        return swept
    }
}

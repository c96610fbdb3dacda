import Foundation

extension Purger {
    /// What removing a job's input folder did.
    public struct InputRemoval: Sendable {
        /// Bytes given back (a file hard-linked elsewhere counts only when its last link goes).
        public var freed: Int64
        /// Entries that could not be removed, with the reason.
        public var failures: [String]
    }

    /// Removes `<jobDirectory>/input` (the job's copy of the upload) through directory descriptors, never
    /// following a link or crossing a mount point; nil when there is no such folder.
    public static func removeInput(jobDirectory: String) -> InputRemoval? {
        guard let job = try? DirectoryFD(path: jobDirectory, followLink: false), let st = job.lstat(JobLayout.input),
            DirectoryFD.isDirectory(st)
        else { return nil }
        var remover = TreeRemover(dryRun: false)
        remover.removeDirectory(JobLayout.input, in: job, st: st)
        return InputRemoval(freed: remover.counter.freed, failures: remover.failures)
    }
}

/// The names of the files and folders CAS itself writes in a job directory (DESIGN: Job directory).
///
/// Every stage names a job file through here, so no two stages disagree and no name from an upload can
/// stand in for one of them: the customer's files live under ``input`` and never at the top level.
public enum JobLayout {
    /// The folder holding the dump and the upload's other members, as the upload named them.
    public static let input = "input"
    /// The wrapper script that starts crash on the job's dump and vmlinux.
    public static let wrapper = "crash"
    /// The batch commands crash reads.
    public static let crashInput = "crash.in"
    /// What crash printed.
    public static let crashOutput = "crash.out"
    /// First-pass findings, human-readable.
    public static let findings = "findings.txt"
    /// The machine-readable record of the job.
    public static let jobJSON = "job.json"
    /// The kernel log read from the dump itself, before crash runs.
    public static let dmesg = "dmesg"
    /// Present when purge must never remove the job (made on the server, never from an upload).
    public static let noPurge = "NOPURGE"
    /// `<workDirectory>/<ID>/latest`: the newest job of the ID.
    public static let latest = "latest"
    /// The process log of the job with ID `caseId`.
    public static func log(caseId: String) -> String { caseId + ".log" }
}

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
    /// The resumed run's markers and per-attempt inputs (removed after the run).
    public static let crashProgress = ".crash-progress"
    /// The `crash --minimal` retry's input and output (removed after the run; the output is appended to crash.out).
    public static let minimalInput = ".crash-minimal.in"
    public static let minimalOutput = ".crash-minimal.out"
    /// The first pass's `mod` table, the backtraces and the kernel log (outputs of the standard snippets).
    public static let modules = "modules"
    public static let traceback = "traceback"
    public static let log = "log"
    public static let sys = "sys"
    /// `-m`: the module pass's batch, what crash printed, its `mod -S` table, and the backtraces with module symbols.
    public static let modulesInput = "crash-modules.in"
    public static let modulesOutput = "crash-modules.out"
    /// `-m` with debuginfod: the short batch that reads the loaded modules' build IDs from the dump, and its output.
    public static let modulesProbeInput = "crash-modules-probe.in"
    public static let modulesProbeOutput = "crash-modules-probe.out"
    public static let modulesTable = "modules-debug"
    public static let modulesTraceback = "traceback-modules"
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
    /// `<jobDirectory>/<name>`.
    public static func path(_ name: String, in jobDirectory: String) -> String { jobDirectory + "/" + name }
}

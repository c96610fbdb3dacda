/// `[maintenance] autoPurge = Yes`: a purge under the usual limits before an admin command runs, as the
/// original CAS did. It never stops the command: what it has to say comes back as lines for standard error.
public enum AutoPurge {
    /// Purges under `policy` and returns what to tell the admin, one line each: every failure, then the summary
    /// (`autoPurge: …`) when something was removed or could not be; nothing when there was nothing to do.
    /// A purge that cannot start (another purge running, a refused directory) is one `autoPurge:` line.
    public static func run(policy: Purger.Policy, store: Store) -> [String] {
        do {
            let purger = try Purger(policy: policy, store: store)
            let report = purger.execute(try purger.plan(), dryRun: false)
            var lines = report.failures
            if !report.removed.isEmpty || !report.complete { lines.append("autoPurge: \(report.summary)") }
            return lines
        } catch {
            return ["autoPurge: \(error.description)"]
        }
    }
}

import Foundation

extension AnalysisJob {
    /// crash's own warnings that it cannot follow the kernel (``CrashWarnings``), after a run: logged and
    /// recorded in job.json (`crashWarnings`, and `crashDiagnosis`, which the findings turn into a finding);
    /// a diagnosis makes the job end done with warnings.
    func recordCrashWarnings(kernelRelease: String?) {
        let (warnings, diagnosis) = CrashWarnings.diagnose(directory: directory.path, kernelRelease: kernelRelease)
        guard !warnings.isEmpty || diagnosis != nil else { return }
        // crash's `WARNING:` lines are already in the log (``CrashOutputs/warnings(in:)``).
        for warning in warnings where !warning.line.hasPrefix("WARNING: ") { logger.warning("crash: \(warning.line)") }
        var values: [String: Any] = ["crashWarnings": warnings.map { ["kind": $0.kind.rawValue, "line": $0.line] }]
        if let diagnosis {
            logger.warning("\(diagnosis.message)\(diagnosis.install.map { "; \($0)" } ?? "")")
            var entry: [String: Any] = ["message": diagnosis.message, "warnings": diagnosis.warnings]
            if let install = diagnosis.install { entry["install"] = install }
            if let listed = diagnosis.listedTasks { entry["listedTasks"] = listed }
            if let counted = diagnosis.kernelTasks { entry["kernelTasks"] = counted }
            values["crashDiagnosis"] = entry
            report.exitStatus = ExitStatus.doneWithWarnings.rawValue
        }
        do { try JobJSON.merge(values, into: directory.path) } catch {
            logger.warning("cannot record crash's warnings in job.json: \(error)")
        }
    }
}

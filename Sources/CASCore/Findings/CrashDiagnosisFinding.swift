import Foundation

extension FindingsEngine {
    /// The finding for crash's own diagnosis that it cannot follow the kernel ("crash 8.0.2 is older than this
    /// kernel: task list incomplete (3 of 18 tasks)"), as the job recorded it in job.json (`crashDiagnosis`);
    /// nil when there is none. Context, never the cause: it says how far to trust crash's outputs.
    static func crashDiagnosis(jobDirectory: String) -> Finding? {
        guard let data = FileManager.default.contents(atPath: jobDirectory + "/" + JobLayout.jobJSON),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let entry = object["crashDiagnosis"] as? [String: Any], let message = entry["message"] as? String
        else { return nil }
        let warnings = entry["warnings"] as? [String] ?? []
        let install = (entry["install"] as? String).map { [$0] } ?? []
        return Finding(
            id: "crash-too-old", severity: .warning, title: Escaped.text(message), details: install.map(Escaped.text),
            count: max(1, warnings.count), files: [JobLayout.crashOutput],
            evidence: Escaped.text(warnings.first ?? message), reference: nil, role: .context)
    }
}

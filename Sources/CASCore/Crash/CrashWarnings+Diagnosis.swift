import Foundation

extension CrashWarnings {
    /// What a job says when crash showed it cannot follow the kernel: one line, the fix, and the evidence.
    public struct Diagnosis: Sendable, Equatable, Codable {
        /// "crash 8.0.2 is older than this kernel: task list incomplete (3 of 18 tasks)".
        public var message: String
        /// "install crash 8.0.4 or later (it follows …)"; nil for a mismatched vmlinux.
        public var install: String?
        /// crash's own warning lines.
        public var warnings: [String]
        /// Tasks crash's `ps` listed and the kernel's own count (`nr_threads`), when both are known.
        public var listedTasks: Int?
        public var kernelTasks: Int?
    }

    /// The diagnosis from crash's warnings and task counts, nil when crash showed no sign of trouble.
    ///
    /// `ps` shorter than `nr_threads` or a too-old warning means crash is older than the kernel; the fix is the
    /// first crash release that handles the change the symptom points to (``CrashCompatibility``).
    public static func diagnose(
        warnings: [Warning], crashVersion: String?, kernelRelease: String?, listedTasks: Int?, kernelTasks: Int?
    ) -> Diagnosis? {
        let tooOld = warnings.filter(\.kind.meansTooOld)
        // No task listed at all is `ps` failing, which crash.out tells; a short list is crash missing tasks.
        let incomplete = listedTasks.flatMap { listed in kernelTasks.map { listed > 0 && listed < $0 } } ?? false
        let crash = crashVersion.map { "crash \($0)" } ?? "crash"
        guard !tooOld.isEmpty || incomplete else {
            guard let mismatch = warnings.first(where: { $0.kind == .versionInconsistency }) else { return nil }
            return Diagnosis(
                message: "\(crash) says the debug vmlinux is not the dump's kernel (\(mismatch.line)): its outputs may be wrong",
                install: nil, warnings: warnings.map(\.line), listedTasks: listedTasks, kernelTasks: kernelTasks)
        }
        let symptom: String
        let change: CrashCompatibility.Change?
        if incomplete, let listed = listedTasks, let counted = kernelTasks {
            symptom = "task list incomplete (\(listed) of \(counted) tasks)"
            change = CrashCompatibility.change("upid numbers[]")
        } else if let first = tooOld.first {
            symptom = first.line
            switch first.kind {
            case .notInPIDHash: change = CrashCompatibility.change("upid numbers[]")
            case .invalidMemberOffset where first.line.hasSuffix(" mm_struct_mmap"):
                change = CrashCompatibility.change("maple tree")
            default:
                change = crashVersion.flatMap { version in
                    kernelRelease.flatMap { CrashCompatibility.problems(crashVersion: version, kernelRelease: $0).last?.change }
                }
            }
        } else {
            return nil
        }
        var install = "install a crash release newer than \(crashVersion ?? "this one") (crash-utility.github.io)"
        if let change, let version = crashVersion.flatMap(CrashCompatibility.numbers),
            let fixed = CrashCompatibility.numbers(change.fixedIn), version.lexicographicallyPrecedes(fixed)
        {
            install = "install crash \(change.fixedIn) or later: it follows \(change.kernelChange)"
        } else if let change, crashVersion == nil {
            install = "install crash \(change.fixedIn) or later: it follows \(change.kernelChange)"
        }
        return Diagnosis(
            message: "\(crash) is older than this kernel: \(symptom)", install: install,
            warnings: warnings.map(\.line), listedTasks: listedTasks, kernelTasks: kernelTasks)
    }

    /// The diagnosis of a finished crash run in `directory`: its output, `ps` and the `tasks` file the
    /// repository's snippets write (`p nr_threads`, crash's `help -p` version line).
    public static func diagnose(directory: String, kernelRelease: String?) -> (warnings: [Warning], diagnosis: Diagnosis?) {
        func read(_ name: String) -> String? {
            guard let handle = FileHandle(forReadingAtPath: directory + "/" + name) else { return nil }
            defer { try? handle.close() }
            return (try? handle.read(upToCount: 16 << 20)).map { String(decoding: $0, as: UTF8.self) }
        }
        let warnings = scan(read(JobLayout.crashOutput) ?? "")
        let tasks = read(tasksFile) ?? ""
        let ps = read("ps")
        let diagnosis = diagnose(
            warnings: warnings, crashVersion: crashVersion(in: tasks), kernelRelease: kernelRelease,
            listedTasks: ps.map(listedTasks(inPS:)), kernelTasks: nrThreads(in: tasks))
        return (warnings, diagnosis)
    }

    /// The output file of the snippet that records the kernel's task count and crash's version.
    public static let tasksFile = "tasks"
}

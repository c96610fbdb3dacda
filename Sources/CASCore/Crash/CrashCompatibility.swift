import Foundation

/// The kernel changes older crash releases cannot follow, and the crash release that first handles each
/// (from crash's own history): what a job or `cas-admin check` names when crash is older than a kernel.
public enum CrashCompatibility {
    /// One kernel change crash had to learn.
    public struct Change: Sendable, Equatable {
        /// Short name, e.g. "maple tree".
        public var name: String
        /// What changed in the kernel, and since when.
        public var kernelChange: String
        /// The first mainline release with the change (major, minor).
        public var since: (Int, Int)
        /// Stable lines that carry it from a patch level on: (major, minor, patch).
        public var backports: [(Int, Int, Int)]
        /// The first crash release that handles it.
        public var fixedIn: String
        /// The crash commit that taught it.
        public var crashCommit: String
        /// What an older crash does on such a kernel.
        public var symptom: String

        public static func == (lhs: Change, rhs: Change) -> Bool { lhs.name == rhs.name }
    }

    /// One change a crash release is too old for on one kernel.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var change: Change
        public var crashVersion: String
        public var kernelRelease: String

        /// The first crash release that handles the change.
        public var fixedIn: String { change.fixedIn }

        /// The problem for every kernel that carries the change: `crash 8.0.2 cannot follow … (symptom):
        /// install crash 8.0.3 or later`, without naming one kernel (`cas-admin check` lists them after it).
        public func description(crashVersion: String) -> String {
            "crash \(crashVersion) cannot follow \(change.kernelChange) (\(change.symptom)): "
                + "install crash \(change.fixedIn) or later"
        }

        /// `crash 8.0.2 cannot follow … in 6.1.192: install crash 8.0.3 or later`.
        public var description: String {
            "crash \(crashVersion) cannot follow \(change.kernelChange) in \(kernelRelease) (\(change.symptom)): "
                + "install crash \(change.fixedIn) or later"
        }
    }

    /// The table, oldest change first.
    public static let changes: [Change] = [
        Change(
            name: "maple tree", kernelChange: "the maple tree of VMAs (mm_struct.mmap removed, Linux 6.1)",
            since: (6, 1), backports: [], fixedIn: "8.0.3",
            crashCommit: "9efc1f6 Introduce maple tree vma iteration to vm_area_dump()",
            symptom: "`vm` and user-space backtraces stop at \"invalid structure member offset: mm_struct_mmap\""),
        Change(
            name: "upid numbers[]",
            kernelChange: "the `struct upid numbers[]` flexible array of struct pid (Linux 6.5, stable 6.1.112)",
            since: (6, 5), backports: [(6, 1, 112)], fixedIn: "8.0.4",
            crashCommit: "8858006 Fix failure of gathering task table on Linux 6.5-rc1 and later",
            symptom: "the task list is incomplete: \"active task … not found in PID hash\", `ps` and `foreach` miss tasks"),
    ]

    /// The changes in `kernelRelease` that `crashVersion` predates; empty when either cannot be read.
    public static func problems(crashVersion: String, kernelRelease: String) -> [Problem] {
        guard let crash = numbers(crashVersion), let kernel = numbers(kernelRelease), kernel.count >= 2 else {
            return []
        }
        return changes.filter { change in
            guard carries(kernel, change), let fixed = numbers(change.fixedIn) else { return false }
            return crash.lexicographicallyPrecedes(fixed)
        }.map { Problem(change: $0, crashVersion: crashVersion, kernelRelease: kernelRelease) }
    }

    /// The change named `name` in the table.
    public static func change(_ name: String) -> Change? { changes.first { $0.name == name } }

    /// Whether a kernel of version `kernel` carries `change`: mainline from `since`, or a stable backport.
    static func carries(_ kernel: [Int], _ change: Change) -> Bool {
        let patch = kernel.count > 2 ? kernel[2] : 0
        if [kernel[0], kernel[1]].lexicographicallyPrecedes([change.since.0, change.since.1]) == false { return true }
        return change.backports.contains { $0.0 == kernel[0] && $0.1 == kernel[1] && patch >= $0.2 }
    }

    /// The leading dotted numbers of a version or release ("8.0.4++" → [8, 0, 4], "6.1.192-tiny" → [6, 1, 192]).
    public static func numbers(_ version: String) -> [Int]? {
        var parts: [Int] = []
        for piece in version.split(separator: ".", omittingEmptySubsequences: false) {
            let digits = piece.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let value = Int(digits) else { break }
            parts.append(value)
            if digits.count != piece.count { break }
        }
        return parts.isEmpty ? nil : parts
    }
}

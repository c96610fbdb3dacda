import Foundation

/// Which crash releases can follow which kernels: the kernel changes an older crash misreads, each with the
/// first crash release that handles it, taken from crash's own history (github.com/crash-utility/crash).
///
/// Used by `cas-admin check` (crash against the indexed kernels) and by a job (a finding when crash is
/// older than the dump's kernel). Pure: no files, no processes.
public enum CrashCompatibility {
    /// One kernel change this crash release cannot follow.
    public struct Problem: Sendable, Equatable, Codable {
        /// The kernel change, e.g. "the maple tree of VMAs (Linux 6.1)".
        public var change: String
        /// The first crash release that handles it, e.g. "8.0.3".
        public var fixedIn: String
        /// What goes wrong with an older crash, in crash's own words where it prints them.
        public var symptom: String

        /// One line: "crash 8.0.2 is older than this kernel: …; install crash 8.0.3 or later".
        public func description(crashVersion: String) -> String {
            "crash \(crashVersion) is older than \(change): \(symptom); install crash \(fixedIn) or later"
        }
    }

    /// A kernel change and the kernels that carry it.
    struct Change: Sendable {
        var problem: Problem
        /// True when a kernel of this (major, minor, patch) carries the change.
        var carriedBy: @Sendable ([Int]) -> Bool
    }

    static let changes: [Change] = [
        // Linux 6.1 replaced the VMA list and rbtree (mm_struct.mmap, vm_area_struct.vm_next) by a maple tree
        // (kernel 524e00b36e8c, 763ecb035029). crash follows it from 8.0.3: commits 872cad2d63b3 "Port the
        // maple tree data structures and functions" and 9efc1f68a44f "Introduce maple tree vma iteration to
        // vm_area_dump()" (both 2023-01-10, first tagged in 8.0.3).
        Change(
            problem: Problem(
                change: "the maple tree of VMAs (Linux 6.1)", fixedIn: "8.0.3",
                symptom:
                    "vm, ps -a and bt on user tasks fail (\"invalid structure member offset: mm_struct_mmap\")"
            ),
            carriedBy: { $0.lexicographicallyPrecedes([6, 1]) == false }),
        // Linux 6.5 made struct pid's numbers[1] a flexible array (kernel b69f0aeb0689 "pid: Replace struct
        // pid 1-element array with flex-array"), backported to the 6.1 stable series from 6.1.112. An older
        // crash reads struct pid without its upid and builds an incomplete task table. crash follows it from
        // 8.0.4: commit 88580068b7dd "Fix failure of gathering task table on Linux 6.5-rc1 and later"
        // (2023-06-23, first tagged in 8.0.4).
        Change(
            problem: Problem(
                change: "the struct pid upid array (Linux 6.5, and 6.1.112 and later 6.1 stable kernels)",
                fixedIn: "8.0.4",
                symptom:
                    "the task list is incomplete (\"active task … not found in PID hash\"): ps, foreach "
                    + "and the blocked-task list miss tasks"),
            carriedBy: { version in
                !version.lexicographicallyPrecedes([6, 5])
                    || (version.count >= 3 && version[0] == 6 && version[1] == 1 && version[2] >= 112)
            }),
    ]

    /// The kernel changes `kernelRelease` carries that crash `crashVersion` cannot follow, oldest first;
    /// empty when either version cannot be read (nothing is claimed about what is not known).
    public static func problems(crashVersion: String, kernelRelease: String) -> [Problem] {
        guard let crash = numbers(crashVersion), let kernel = numbers(kernelRelease), kernel.count >= 2
        else {
            return []
        }
        return changes.filter { change in
            change.carriedBy(padded(kernel))
                && padded(crash).lexicographicallyPrecedes(
                    padded(numbers(change.problem.fixedIn) ?? []))
        }.map(\.problem)
    }

    /// The leading dotted numbers of a version or release: "6.1.112-1.el9.x86_64" → [6, 1, 112],
    /// "8.0.4++" → [8, 0, 4]; nil when it does not start with a number.
    static func numbers(_ text: String) -> [Int]? {
        var result: [Int] = []
        var current = ""
        for character in text {
            if character.isASCII, character.isNumber {
                current.append(character)
            } else if character == ".", !current.isEmpty {
                result.append(Int(current.prefix(9)) ?? 0)
                current = ""
            } else {
                break
            }
        }
        if !current.isEmpty { result.append(Int(current.prefix(9)) ?? 0) }
        return result.isEmpty ? nil : result
    }

    /// `version` with at least three parts ("6.1" → [6, 1, 0]).
    static func padded(_ version: [Int]) -> [Int] {
        version + Array(repeating: 0, count: max(0, 3 - version.count))
    }
}

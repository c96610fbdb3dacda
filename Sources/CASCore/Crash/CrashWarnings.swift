import Foundation

/// crash's own warnings that say it cannot follow the kernel, read from its output (the message formats are
/// crash's: task.c `get_panic_context`, symbols.c `OFFSET_verify`/`SIZE_verify`, kernel.c `verify_namelist`).
public enum CrashWarnings {
    /// What one warning line says.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// "WARNING: active task %lx on cpu %d not found in PID hash": crash's task list misses tasks.
        case notInPIDHash = "not found in PID hash"
        /// "<command>: invalid structure member offset: %s": crash expects a member the kernel no longer has.
        case invalidMemberOffset = "invalid structure member offset"
        /// "<command>: invalid structure size: %s".
        case invalidStructureSize = "invalid structure size"
        /// "WARNING: kernel version inconsistency between vmlinux and dumpfile": the vmlinux is not the dump's.
        case versionInconsistency = "kernel version inconsistency"
        /// "cannot determine …" (crash could not find a kernel structure it needs).
        case cannotDetermine = "cannot determine"

        /// Whether the warning means crash is older than the kernel (not a mismatched vmlinux).
        public var meansTooOld: Bool { self != .versionInconsistency && self != .cannotDetermine }
    }

    /// One warning: its kind and crash's line, trimmed, control characters escaped.
    public struct Warning: Sendable, Equatable, Codable {
        public var kind: Kind
        public var line: String
    }

    /// The distinct warning lines of `crashOutput`, in order, at most `limit`.
    public static func scan(_ crashOutput: String, limit: Int = 50) -> [Warning] {
        var found: [Warning] = []
        for raw in crashOutput.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard let kind = kind(of: line), !found.contains(where: { $0.line == line }) else { continue }
            found.append(Warning(kind: kind, line: Escaped.text(line)))
            if found.count >= limit { break }
        }
        return found
    }

    /// The kind of one trimmed line, nil when it is none of crash's warnings above.
    static func kind(of line: String) -> Kind? {
        if line.hasPrefix("WARNING: active task "), line.hasSuffix(" not found in PID hash") { return .notInPIDHash }
        if line.hasPrefix("WARNING: kernel version inconsistency between vmlinux and ") { return .versionInconsistency }
        // error(): "<curcmd>: message" or "WARNING: message"; the command name is one word.
        guard let colon = line.range(of: ": "), !line[..<colon.lowerBound].contains(" ") else { return nil }
        let message = line[colon.upperBound...]
        if message.hasPrefix("invalid structure member offset: ") { return .invalidMemberOffset }
        if message.hasPrefix("invalid structure size: ") { return .invalidStructureSize }
        if message.hasPrefix("cannot determine ") { return .cannotDetermine }
        return nil
    }

    /// crash's version from `help -p` output (`  program_version: 8.0.2`).
    public static func crashVersion(in text: String) -> String? {
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("program_version:") else { continue }
            let value = line.dropFirst("program_version:".count).trimmingCharacters(in: .whitespaces)
            if !value.isEmpty, value.count <= 32, value.allSatisfy({ $0.isASCII && !$0.isWhitespace }) { return value }
        }
        return nil
    }

    /// The kernel's own count of tasks, `nr_threads` (every task but the idle ones), from crash's
    /// `p nr_threads` (`nr_threads = $1 = 18`, or `nr_threads = 18`). crash reads the variable from memory,
    /// so the count holds even when crash's own walk of the PID table is wrong.
    public static func nrThreads(in text: String) -> Int? {
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("nr_threads = ") else { continue }
            let value = line.split(separator: "=").last?.trimmingCharacters(in: .whitespaces) ?? ""
            if let count = Int(value), count >= 0 { return count }
        }
        return nil
    }

    /// How many tasks crash's `ps` listed, without the idle tasks (PID 0) that `nr_threads` does not count.
    public static func listedTasks(inPS ps: String) -> Int {
        var count = 0
        for raw in ps.split(whereSeparator: \.isNewline) {
            // "   PID    PPID  CPU  TASK  ST …", the active tasks marked with ">".
            let fields = raw.drop { $0 == ">" || $0 == " " }.split(separator: " ", maxSplits: 4)
            guard fields.count >= 4, let pid = Int(fields[0]), Int(fields[1]) != nil, UInt64(fields[3], radix: 16) != nil
            else { continue }
            if pid != 0 { count += 1 }
        }
        return count
    }
}

import Foundation

/// The kernel's taint state: tainted or not, and the flag letters when the log shows them.
public struct Taint: Codable, Sendable, Equatable {
    public var tainted: Bool
    /// The set flag letters (`PO`, `GW` without the `G`), nil when only `sys`'s `[TAINTED]` told us.
    public var flags: String?
    /// What each set flag means, in flag order.
    public var meanings: [String]

    public init(tainted: Bool, flags: String?, meanings: [String]) {
        self.tainted = tainted
        self.flags = flags
        self.meanings = meanings
    }

    /// The kernel's taint letters (Documentation/admin-guide/tainted-kernels.rst).
    public static let letters: [Character: String] = [
        "P": "proprietary module loaded", "F": "module force-loaded", "S": "running out of specification",
        "R": "module force-unloaded", "M": "machine check exception occurred", "B": "bad page referenced",
        "U": "taint requested by userspace", "D": "kernel died recently (OOPS or BUG)", "A": "ACPI table overridden",
        "W": "kernel warning occurred", "C": "staging driver loaded", "I": "platform firmware bug worked around",
        "O": "out-of-tree module loaded", "E": "unsigned module loaded", "L": "soft lockup occurred",
        "K": "kernel live-patched", "X": "auxiliary taint (distribution)", "T": "built with struct randomization",
        "N": "in-kernel test module loaded",
    ]

    /// One line for findings.txt: `O (out-of-tree module loaded)`, `not tainted`, `tainted (flags unknown)`.
    public var summary: String {
        guard tainted else { return "not tainted" }
        guard let flags, !flags.isEmpty else { return "tainted (flags not in the log)" }
        return "\(flags) (\(meanings.joined(separator: "; ")))"
    }

    /// From `sys`'s `KERNEL: … [TAINTED]` and the last `Tainted:`/`Not tainted` line of the log.
    static func extract(kernelLine: String?, log: String) -> Taint? {
        let sysTainted = kernelLine.map { $0.contains("[TAINTED]") }
        var last: Substring?
        var notTainted = false
        for line in log.split(separator: "\n") {
            if let range = line.range(of: "Tainted: ") {
                last = line[range.upperBound...]
                notTainted = false
            } else if line.contains(" Not tainted ") {
                last = nil
                notTainted = true
            }
        }
        if let last {
            let flags = flags(from: last)
            return Taint(tainted: true, flags: flags, meanings: flags.compactMap { letters[$0] })
        }
        if sysTainted == true { return Taint(tainted: true, flags: nil, meanings: []) }
        if notTainted || sysTainted == false { return Taint(tainted: false, flags: "", meanings: []) }
        return nil
    }

    /// The flag letters of `P           OE     6.1.0 #1`: the run of capitals and spaces before the release
    /// (one fixed column per flag), without the `G` placeholder (which only says "no proprietary module").
    static func flags(from text: Substring) -> String {
        let field = text.prefix { $0 == " " || ($0.isUppercase && $0.isLetter && $0.isASCII) }
        return String(field.filter { $0 != " " && $0 != "G" })
    }
}

import Foundation

/// Where the crash happened: the function, its offset and module, and what is known about the module.
public struct Culprit: Codable, Sendable, Equatable {
    public var function: String
    /// `0x7/0xc` (offset/size, from the kernel log) or `+7` (from crash's `Exception RIP`); nil when unknown.
    public var offset: String?
    /// The module the function is in; nil for the kernel proper or when unknown.
    public var module: String?
    /// The module's taint letters from `Modules linked in:` (`O` out-of-tree, `E` unsigned, `P` proprietary…).
    public var moduleTaint: String?
    /// Where it was read: `log` (the oops's RIP line or call trace) or `crash` (`Exception RIP`, `bt`).
    public var source: String
    /// The top of the stack the culprit was taken from (hung tasks: the blocked task's), innermost first.
    public var stack: [String]

    public init(
        function: String, offset: String? = nil, module: String? = nil, moduleTaint: String? = nil,
        source: String, stack: [String] = []
    ) {
        self.function = function
        self.offset = offset
        self.module = module
        self.moduleTaint = moduleTaint
        self.source = source
        self.stack = stack
    }

    /// `faulty_store_null [faulty]`, for the headline.
    public var short: String { module.map { "\(function) [\($0)]" } ?? function }

    /// `faulty_store_null+0x7/0xc [faulty] (out-of-tree module, taint O)`, for findings.txt.
    public var summary: String {
        var text = function + (offset.map { $0.hasPrefix("+") ? $0 : "+" + $0 } ?? "")
        if let module { text += " [\(module)]" }
        let notes = Self.taintNotes(moduleTaint ?? "")
        if !notes.isEmpty { text += " (\(notes.joined(separator: ", ")) module, taint \(moduleTaint!))" }
        return text
    }

    /// `out-of-tree`, `unsigned`, `proprietary`… for the letters of a module's taint.
    static func taintNotes(_ letters: String) -> [String] {
        let names: [Character: String] = [
            "O": "out-of-tree", "E": "unsigned", "P": "proprietary", "F": "force-loaded", "C": "staging",
            "N": "test", "K": "live-patch", "X": "auxiliary",
        ]
        return letters.compactMap { names[$0] }
    }
}

/// The task the cause happened in (or, for OOM, the victim or biggest consumer).
public struct CulpritTask: Codable, Sendable, Equatable {
    public var pid: Int
    public var command: String
    public var cpu: Int?
    /// For out of memory: what the task held (`rss 12644 pages`) and why it is named (`killed`, `biggest`).
    public var memory: String?

    public init(pid: Int, command: String, cpu: Int? = nil, memory: String? = nil) {
        self.pid = pid
        self.command = command
        self.cpu = cpu
        self.memory = memory
    }

    /// `PID 87 "kworker/0:1" on CPU 0`.
    public var summary: String {
        var text = "PID \(pid) \"\(command)\""
        if let cpu { text += " on CPU \(cpu)" }
        if let memory { text += ", \(memory)" }
        return text
    }
}

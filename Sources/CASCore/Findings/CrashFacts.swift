import Foundation

/// What is always read from crash's outputs, rules or not: the panic, the crashing task and its
/// backtrace, taint, uptime, and how the crash was triggered.
public struct CrashFacts: Codable, Sendable, Equatable {
    /// The `PANIC:` string of `sys`, without quotes; nil when crash printed none.
    public var panic: String?
    public var task: Task?
    /// Function names of the crashing task's first backtrace frames, innermost first.
    public var frames: [String]
    /// The module of each of ``frames`` (`[faulty]` in crash's `bt`), nil for the kernel proper.
    public var frameModules: [String?]
    /// The `[exception RIP: …]` of the crashing task's backtrace, when there is one.
    public var exceptionRIP: String?
    public var taint: Taint?
    /// The `UPTIME:` of `sys` as crash prints it (`3 days, 04:05:06`).
    public var uptime: String?
    /// How the crash came about, when the outputs tell (sysrq, panic_on_oops, a watchdog…).
    public var trigger: String?

    /// How many frames ``frames`` keeps.
    public static let frameLimit = 10

    /// The task that was running when the system crashed (first block of `bt`).
    public struct Task: Codable, Sendable, Equatable {
        public var pid: Int
        public var command: String
        public var cpu: Int
        /// The task_struct address.
        public var address: String

        public init(pid: Int, command: String, cpu: Int, address: String) {
            self.pid = pid
            self.command = command
            self.cpu = cpu
            self.address = address
        }

        /// `PID 1 "init" on CPU 0`.
        public var summary: String { "PID \(pid) \"\(command)\" on CPU \(cpu)" }
    }

    public init(
        panic: String? = nil, task: Task? = nil, frames: [String] = [], exceptionRIP: String? = nil,
        taint: Taint? = nil, uptime: String? = nil, trigger: String? = nil
    ) {
        self.panic = panic
        self.task = task
        self.frames = frames
        self.frameModules = Array(repeating: nil, count: frames.count)
        self.exceptionRIP = exceptionRIP
        self.taint = taint
        self.uptime = uptime
        self.trigger = trigger
    }

    /// Reads the facts from the outputs by name (`sys`, `traceback`, `log`); missing ones stay nil.
    public static func extract(from outputs: [String: String]) -> CrashFacts {
        let sys = outputs[JobLayout.sys] ?? ""
        let log = outputs[JobLayout.log] ?? ""
        var facts = CrashFacts()
        facts.panic = sysField("PANIC", in: sys).map(unquoted).flatMap { $0.isEmpty ? nil : $0 }
        facts.uptime = sysField("UPTIME", in: sys)
        let (task, frames, rip) = backtrace(outputs[JobLayout.traceback] ?? "")
        facts.task = task
        facts.frames = frames.map(\.function)
        facts.frameModules = frames.map(\.module)
        facts.exceptionRIP = rip
        facts.taint = Taint.extract(kernelLine: sysField("KERNEL", in: sys), log: log)
        facts.trigger = Trigger.describe(panic: facts.panic, log: log)
        return facts
    }

    /// The value of `KEY: value` in crash's `sys` output (first occurrence).
    static func sysField(_ key: String, in sys: String) -> String? {
        for line in sys.split(separator: "\n") {
            let trimmed = line.drop(while: { $0 == " " })
            guard trimmed.hasPrefix(key + ":") else { continue }
            return trimmed.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    static func unquoted(_ text: String) -> String {
        guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
        return String(text.dropFirst().dropLast()).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The first task block of crash's `bt`: header, frame names, exception RIP.
    static func backtrace(_ text: String) -> (Task?, [(function: String, module: String?)], String?) {
        let header = try! NSRegularExpression(
            pattern: #"^PID:\s*(\d+)\s+TASK:\s*([0-9a-fA-F]+)\s+CPU:\s*(\d+)\s+COMMAND:\s*"(.*)""#)
        let frame = try! NSRegularExpression(
            pattern: #"^\s*#\d+\s+\[[0-9a-fA-F]+\]\s+(\S+)\s+at\s+[0-9a-fA-F]+(?:\s+\[([\w-]+)\])?"#)
        let exception = try! NSRegularExpression(pattern: #"\[exception RIP:\s*([^\]]+)\]"#)
        var task: Task?
        var frames: [(function: String, module: String?)] = []
        var rip: String?
        for line in text.split(separator: "\n").map(String.init) {
            let range = NSRange(line.startIndex..., in: line)
            if let match = header.firstMatch(in: line, range: range) {
                if task != nil { break }
                let field = { (index: Int) in RuleEngine.group(index, of: match, in: line) }
                task = Task(pid: Int(field(1)) ?? -1, command: field(4), cpu: Int(field(3)) ?? -1, address: field(2))
                continue
            }
            guard task != nil else { continue }
            if let match = frame.firstMatch(in: line, range: range), frames.count < frameLimit {
                let module = RuleEngine.group(2, of: match, in: line)
                frames.append((RuleEngine.group(1, of: match, in: line), module.isEmpty ? nil : module))
            } else if rip == nil, let match = exception.firstMatch(in: line, range: range) {
                rip = RuleEngine.group(1, of: match, in: line).trimmingCharacters(in: .whitespaces)
            }
        }
        return (task, frames, rip)
    }
}

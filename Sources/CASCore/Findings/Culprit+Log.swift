import Foundation

/// Reads the culprit and its task from the kernel's own report of an event: the lines from the event's first
/// line to the end of that report, in the formats the kernel prints them (`RIP: 0010:fn+0x7/0xc [mod]`,
/// call trace frames `fn+0x10/0x1c [mod]`, `CPU: 0 PID: 87 Comm: kworker/0:1`, `task:faultyd state:D …`,
/// `Modules linked in: faulty(OE)`, the OOM task table).
enum CulpritReader {
    /// How many lines after the event line are read at most.
    static let windowLines = 400

    /// The culprit (function) and task of the event reported on line `start` of `lines`.
    static func read(lines: [String], start: Int) -> (Culprit?, CulpritTask?) {
        guard start >= 0, start < lines.count else { return (nil, nil) }
        let end = min(lines.count, start + windowLines)
        let window = lines[start..<end].map(strip)
        let modules = moduleTaints(lines)
        let task = task(in: window)
        if window[0].contains("invoked oom-killer") || window[0].contains("Out of memory") {
            return (nil, oomTask(in: window) ?? task)
        }
        // A machine check is the hardware's: the function it interrupted is not to blame.
        if window[0].contains("[Hardware Error]") { return (nil, task) }
        var frames: [(function: String, offset: String, module: String?)] = []
        for line in window {
            if line.hasPrefix("Code:") || line.hasPrefix("Modules linked in:") { continue }
            if let frame = frame(in: line) { frames.append(frame) }
            if line.contains("---[ end trace") || line.contains("---[ end Kernel panic") { break }
        }
        guard let chosen = frames.first(where: { !isInfrastructure($0.function) }) ?? frames.first else {
            return (nil, task)
        }
        let culprit = Culprit(
            function: chosen.function, offset: chosen.offset, module: chosen.module,
            moduleTaint: chosen.module.flatMap { modules[$0] }, source: "log",
            stack: frames.prefix(6).map { frame in frame.module.map { "\(frame.function) [\($0)]" } ?? frame.function })
        return (culprit, task)
    }

    /// The text of a log line without its `[    1.234567]` time stamp (and `<4>` level, `[T123]` caller).
    static func strip(_ line: String) -> String {
        var rest = Substring(line).drop(while: { $0 == " " })
        if rest.hasPrefix("<"), let close = rest.firstIndex(of: ">"),
            rest.distance(from: rest.startIndex, to: close) < 5
        {
            rest = rest[rest.index(after: close)...]
        }
        while rest.hasPrefix("["), let close = rest.firstIndex(of: "]"),
            isStamp(rest[rest.index(after: rest.startIndex)..<close].trimmingCharacters(in: .whitespaces))
        {
            rest = rest[rest.index(after: close)...].drop(while: { $0 == " " })
        }
        return rest.trimmingCharacters(in: .whitespaces)
    }

    /// `1.234567` (seconds) or `T123`/`C0` (the printk caller).
    static func isStamp(_ text: String) -> Bool {
        if let first = text.first, first == "T" || first == "C" {
            return text.count > 1 && text.dropFirst().allSatisfy(\.isNumber)
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }

    static let frameRegex = try! NSRegularExpression(
        pattern: #"(?:^|[\s:{<])([A-Za-z_][\w.$]*)\+(0x[0-9a-fA-F]+/0x[0-9a-fA-F]+)(?: \[([\w-]+)\])?"#)

    /// A reliable frame on the line (`? fn+…` frames are guesses and skipped).
    static func frame(in line: String) -> (function: String, offset: String, module: String?)? {
        guard !line.hasPrefix("?"),
            let match = frameRegex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line))
        else { return nil }
        let module = RuleEngine.group(3, of: match, in: line)
        return (RuleEngine.group(1, of: match, in: line), RuleEngine.group(2, of: match, in: line),
            module.isEmpty ? nil : module)
    }

    static let cpuLine = try! NSRegularExpression(
        pattern: #"^CPU: (\d+) (?:UID: \d+ )?PID: (\d+) Comm: (\S+)"#)
    static let schedShowTask = try! NSRegularExpression(pattern: #"^task:(\S+)\s+state:\S+.*?\bpid:\s*(\d+)"#)
    static let namedInEvent = try! NSRegularExpression(
        pattern:
            #"INFO: task (.+):(\d+) blocked for more than|\[(\S+):(\d+)\]$|scheduling while atomic: (.+)/(\d+)/0x"#)

    /// The task the report is about: the one the event line names (hung task, soft lockup), else the first
    /// `CPU: … PID: … Comm:` or `task:… pid:` line; the CPU from a `CPU:` line of the same PID.
    static func task(in window: [String]) -> CulpritTask? {
        var task: CulpritTask?
        if let match = namedInEvent.firstMatch(in: window[0], range: NSRange(window[0].startIndex..., in: window[0])) {
            let line = window[0]
            for (name, pid) in [(1, 2), (3, 4), (5, 6)] {
                let command = RuleEngine.group(name, of: match, in: line)
                if let number = Int(RuleEngine.group(pid, of: match, in: line)), !command.isEmpty {
                    task = CulpritTask(pid: number, command: command)
                }
            }
        }
        for line in window {
            let range = NSRange(line.startIndex..., in: line)
            if let match = cpuLine.firstMatch(in: line, range: range) {
                let pid = Int(RuleEngine.group(2, of: match, in: line)) ?? -1
                let cpu = Int(RuleEngine.group(1, of: match, in: line))
                if task == nil { task = CulpritTask(pid: pid, command: RuleEngine.group(3, of: match, in: line)) }
                if task?.pid == pid {
                    task?.cpu = cpu
                    return task
                }
            } else if task == nil, let match = schedShowTask.firstMatch(in: line, range: range) {
                let pid = Int(RuleEngine.group(2, of: match, in: line)) ?? -1
                task = CulpritTask(pid: pid, command: RuleEngine.group(1, of: match, in: line))
            }
            if line.contains("---[ end Kernel panic") { break }
        }
        return task
    }

    static let killed = try! NSRegularExpression(
        pattern:
            #"Out of memory(?: \([^)]*\))?: Kill(?:ed)? process (\d+) \((.+?)\)(?: total-vm:(\d+)kB, anon-rss:(\d+)kB)?"#
    )
    static let taskRow = try! NSRegularExpression(
        pattern: #"^\[\s*(\d+)\]\s+\d+\s+\d+\s+(\d+)\s+(\d+)(?:\s+-?\d+)+\s+(\S.*)$"#)

    /// Out of memory: the task killed (with its memory), else the biggest resident task of the task table.
    static func oomTask(in window: [String]) -> CulpritTask? {
        var biggest: (pid: Int, command: String, rss: Int)?
        for line in window {
            let range = NSRange(line.startIndex..., in: line)
            if let match = killed.firstMatch(in: line, range: range) {
                let anon = RuleEngine.group(4, of: match, in: line)
                return CulpritTask(
                    pid: Int(RuleEngine.group(1, of: match, in: line)) ?? -1,
                    command: RuleEngine.group(2, of: match, in: line),
                    memory: "killed" + (anon.isEmpty ? "" : ", anon-rss \(anon) kB"))
            }
            if let match = taskRow.firstMatch(in: line, range: range),
                let pid = Int(RuleEngine.group(1, of: match, in: line)),
                let rss = Int(RuleEngine.group(3, of: match, in: line)), rss > (biggest?.rss ?? -1)
            {
                biggest = (pid, RuleEngine.group(4, of: match, in: line).trimmingCharacters(in: .whitespaces), rss)
            }
            if line.contains("---[ end Kernel panic") { break }
        }
        return biggest.map {
            CulpritTask(pid: $0.pid, command: $0.command, memory: "biggest consumer, rss \($0.rss) pages")
        }
    }

    /// Each module's taint letters from the last `Modules linked in:` line (`faulty(OE)`), and the modules the
    /// log says tainted the kernel on loading (`loading out-of-tree module`, `module verification failed`).
    static func moduleTaints(_ lines: [String]) -> [String: String] {
        var taints: [String: String] = [:]
        for raw in lines where raw.contains("Modules linked in:") || raw.contains("taints kernel")
            || raw.contains("module verification failed")
        {
            let line = strip(raw)
            if let range = line.range(of: "Modules linked in:") {
                taints = [:]
                for token in line[range.upperBound...].split(separator: " ") {
                    let name = token.prefix { $0 != "(" && $0 != "[" }
                    guard !name.isEmpty else { continue }
                    let letters = token.drop { $0 != "(" }.filter { $0.isUppercase }
                    if !letters.isEmpty { taints[String(name), default: ""] += letters }
                }
            } else if let colon = line.firstIndex(of: ":") {
                let name = String(line[..<colon])
                let letter = line.contains("out-of-tree") ? "O" : line.contains("verification failed") ? "E" : ""
                if !letter.isEmpty, !(taints[name] ?? "").contains(letter) { taints[name, default: ""] += letter }
            }
        }
        return taints
    }

    /// Functions that report, trap, schedule, lock or wait, never the culprit while a caller is known.
    static func isInfrastructure(_ function: String) -> Bool {
        let base = function.split(separator: ".").first.map(String.init) ?? function
        if infrastructure.contains(base) { return true }
        return infrastructurePrefixes.contains { base.hasPrefix($0) }
    }

    static let infrastructure: Set<String> = [
        "panic", "vpanic", "nmi_panic", "dump_stack", "dump_stack_lvl", "show_stack", "show_regs", "__warn",
        "warn_slowpath_fmt", "check_panic_on_warn", "report_bug", "handle_bug", "do_trap", "do_error_trap",
        "oops_end", "die", "__die", "die_body", "page_fault_oops", "kernelmode_fixup_or_oops",
        "__bad_area_nosemaphore", "bad_area_nosemaphore", "do_user_addr_fault", "handle_page_fault",
        "do_kern_addr_fault", "spurious_kernel_fault", "handle_stack_overflow", "__list_add_valid",
        "__list_del_entry_valid", "__list_add_valid_or_report", "__list_del_entry_valid_or_report",
        "__list_valid_slowpath", "__check_object_size", "usercopy_abort", "check_heap_object", "print_report",
        "end_report", "start_report", "__might_sleep", "__might_resched", "might_sleep", "__might_fault",
        "__schedule_bug", "__schedule", "schedule", "__cond_resched", "mutex_lock", "mutex_lock_nested",
        "mutex_lock_interruptible", "mutex_lock_killable", "down", "down_read", "down_write", "msleep",
        "msleep_interruptible", "usleep_range", "usleep_range_state", "ssleep", "__flush_work", "flush_work",
        "__stack_chk_fail", "fortify_panic", "__fortify_panic", "__fortify_report", "refcount_warn_saturate",
        "watchdog_timer_fn", "watchdog", "ret_from_fork", "ret_from_fork_asm", "kthread", "dump_header",
        "out_of_memory", "bad_page", "slab_err", "object_err", "print_trailer", "check_bytes_and_report",
        "native_queued_spin_lock_slowpath", "queued_spin_lock_slowpath", "do_raw_spin_lock", "sysrq_handle_crash",
        "mce_panic", "do_machine_check", "exc_machine_check", "nmi_cpu_backtrace", "nmi_trigger_cpumask_backtrace",
        "arch_trigger_cpumask_backtrace", "watchdog_overflow_callback", "watchdog_hardlockup_check",
    ]

    static let infrastructurePrefixes = [
        "exc_", "asm_exc_", "asm_sysvec_", "sysvec_", "__sysvec_", "kasan_", "__kasan_", "__asan_", "kfence_",
        "__kfence_", "schedule_", "io_schedule", "preempt_schedule", "__mutex_lock", "__down", "rwsem_down_",
        "rt_mutex_", "__rt_mutex", "wait_for_completion", "__wait_for_common", "do_wait_for_common", "wait_on_",
        "__wait_on_", "folio_wait", "__folio_lock", "__lock_page", "_raw_spin_lock", "_raw_read_lock",
        "_raw_write_lock", "__alloc_pages", "dump_backtrace", "show_trace", "rcu_dump_cpu_stacks", "print_cpu_stall",
        "check_cpu_stall", "rcu_sched_clock_irq", "rcu_pending", "hrtimer_", "__hrtimer_", "handle_softirqs",
        "__do_softirq", "irq_exit", "cpu_startup_entry", "secondary_startup_", "start_kernel", "entry_SYSCALL",
        "do_syscall_",
    ]
}

/// How a crash came about, told from the panic string and the kernel log.
enum Trigger {
    /// One phrase, or nil when the outputs do not say.
    static func describe(panic: String?, log: String) -> String? {
        let panic = panic ?? ""
        let table: [(needle: String, meaning: String)] = [
            ("sysrq triggered crash", "sysrq 'c' (echo c > /proc/sysrq-trigger or the SysRq key): deliberate"),
            ("softlockup: hung tasks", "soft lockup watchdog (kernel.softlockup_panic)"),
            ("Hard LOCKUP", "hard lockup detected by the NMI watchdog (kernel.hardlockup_panic)"),
            ("hung_task: blocked tasks", "hung task watchdog (kernel.hung_task_panic)"),
            ("Machine check", "machine check exception (hardware error)"),
            ("machine check", "machine check exception (hardware error)"),
            ("NMI IOCK error", "NMI: I/O channel check (hardware; kernel.panic_on_io_nmi)"),
            (
                "NMI: Not continuing",
                "unknown or unrecovered NMI (kernel.unknown_nmi_panic / panic_on_unrecovered_nmi, NMI button)"
            ),
            ("panic_on_warn set", "a kernel WARNING with kernel.panic_on_warn"),
            ("Out of memory", "out of memory (vm.panic_on_oom, or no killable process left)"),
            ("System is deadlocked on memory", "out of memory with no killable process left"),
            ("Attempted to kill init", "init (PID 1) exited or was killed"),
            ("VFS: Unable to mount root", "root file system could not be mounted at boot"),
            ("stack-protector", "stack corruption detected by the stack protector"),
        ]
        if let hit = table.first(where: { panic.contains($0.needle) }) { return hit.meaning }
        if log.contains("sysrq: Trigger a crash") || log.contains("SysRq : Trigger a crash") {
            return table[0].meaning
        }
        let oops =
            panic.contains("Fatal exception") || panic.hasPrefix("Oops") || panic.hasPrefix("BUG:")
            || panic.contains("general protection fault") || log.contains("Oops: ")
        guard oops else { return nil }
        let how = panic.contains("Fatal exception") ? "kernel.panic_on_oops" : "kdump on oops"
        if log.contains("kernel BUG at") || panic.contains("kernel BUG at") {
            return "BUG() assertion (kernel BUG at …), \(how)"
        }
        if log.contains("NULL pointer dereference") || panic.contains("NULL pointer dereference") {
            return "oops: NULL pointer dereference, \(how)"
        }
        if log.contains("general protection fault") || panic.contains("general protection fault") {
            return "oops: general protection fault, \(how)"
        }
        if log.contains("unable to handle page fault") || log.contains("unable to handle kernel paging request") {
            return "oops: bad kernel page fault, \(how)"
        }
        return "oops, \(how)"
    }
}

import CASCore
import Testing

@Suite("Findings crash facts")
struct CrashFactsTests {
    static let oopsSys = """
              KERNEL: /usr/lib/debug/boot/vmlinux-5.15.0-91-generic  [TAINTED]
            DUMPFILE: /var/crash/202401021030/dump.202401021030  [PARTIAL DUMP]
                CPUS: 8
              UPTIME: 12 days, 03:04:05
               PANIC: "Kernel panic - not syncing: Fatal exception"
        """
    static let oopsTraceback = """
        PID: 2114     TASK: ffff9e0b4a3d8000  CPU: 3    COMMAND: "modprobe"
         #0 [ffffb1c2c0d2f9a8] machine_kexec at ffffffff8a06b2b3
         #1 [ffffb1c2c0d2fa08] __crash_kexec at ffffffff8a1a4c2a
         #2 [ffffb1c2c0d2fad0] panic at ffffffff8a9f3a43
         #3 [ffffb1c2c0d2fae0] oops_end.cold at ffffffff8a02a0c5
         #4 [ffffb1c2c0d2fb08] page_fault_oops at ffffffff8a07c5d2
         #5 [ffffb1c2c0d2fb60] exc_page_fault at ffffffff8ab1a6a7
         #6 [ffffb1c2c0d2fb90] asm_exc_page_fault at ffffffff8ac00b62
            [exception RIP: buggy_init+21]
            RIP: ffffffffc0a1d015  RSP: ffffb1c2c0d2fc48  RFLAGS: 00010246
            RAX: 0000000000000000  RBX: 0000000000000000  RCX: 0000000000000000
         #7 [ffffb1c2c0d2fc48] do_one_initcall at ffffffff8a0012ba
         #8 [ffffb1c2c0d2fcb8] do_init_module at ffffffff8a1a0bd1
         #9 [ffffb1c2c0d2fce0] load_module at ffffffff8a1a3a8c
        #10 [ffffb1c2c0d2fe10] __do_sys_finit_module at ffffffff8a1a4001
        #11 [ffffb1c2c0d2ff00] do_syscall_64 at ffffffff8ab16c5c

        PID: 0        TASK: ffffffff8b613940  CPU: 0    COMMAND: "swapper/0"
         #0 [fffffe0000007e38] crash_nmi_callback at ffffffff8a05e2d7
        """
    static let oopsLog = """
        [1048.100001] buggy: module license 'Proprietary' taints kernel.
        [1048.200001] BUG: kernel NULL pointer dereference, address: 0000000000000000
        [1048.200040] Oops: 0002 [#1] SMP PTI
        [1048.200050] CPU: 3 PID: 2114 Comm: modprobe Tainted: P           OE     5.15.0-91-generic #101-Ubuntu
        [1048.200300] Kernel panic - not syncing: Fatal exception
        """

    @Test("an oops: task, frames, exception RIP, taint letters, uptime, trigger")
    func oops() {
        let facts = CrashFacts.extract(from: [
            "sys": Self.oopsSys, "traceback": Self.oopsTraceback, "log": Self.oopsLog,
        ])
        #expect(facts.panic == "Kernel panic - not syncing: Fatal exception")
        #expect(facts.task == CrashFacts.Task(pid: 2114, command: "modprobe", cpu: 3, address: "ffff9e0b4a3d8000"))
        #expect(facts.frames.count == CrashFacts.frameLimit)
        #expect(facts.frames.first == "machine_kexec")
        #expect(facts.frames.contains("do_one_initcall"))
        #expect(!facts.frames.contains("crash_nmi_callback"))
        #expect(facts.exceptionRIP == "buggy_init+21")
        #expect(facts.taint?.flags == "POE")
        #expect(
            facts.taint?.meanings == [
                "proprietary module loaded", "out-of-tree module loaded", "unsigned module loaded",
            ])
        #expect(facts.uptime == "12 days, 03:04:05")
        #expect(facts.trigger == "oops: NULL pointer dereference, kernel.panic_on_oops")
    }

    @Test("an untainted kernel and a missing traceback")
    func untainted() {
        let log =
            "[  5.1] CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.1.0-13-amd64 #1 Debian 6.1.55-1\n"
            + "[  5.2] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)"
        let sys =
            "      KERNEL: vmlinux\n       PANIC: \"Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\""
        let facts = CrashFacts.extract(from: ["sys": sys, "log": log])
        #expect(facts.taint == Taint(tainted: false, flags: "", meanings: []))
        #expect(facts.task == nil)
        #expect(facts.frames.isEmpty)
        #expect(facts.trigger == "root file system could not be mounted at boot")
    }

    @Test("sys says tainted but the log lost the flags")
    func taintedWithoutFlags() {
        let facts = CrashFacts.extract(from: ["sys": "      KERNEL: vmlinux  [TAINTED]\n       PANIC: \"\""])
        #expect(facts.taint == Taint(tainted: true, flags: nil, meanings: []))
        #expect(facts.taint?.summary == "tainted (flags not in the log)")
        #expect(facts.panic == nil)
        #expect(facts.trigger == nil)
    }

    @Test(
        "how the crash was triggered, from the panic string",
        arguments: [
            ("Kernel panic - not syncing: softlockup: hung tasks", "soft lockup watchdog (kernel.softlockup_panic)"),
            (
                "Kernel panic - not syncing: Hard LOCKUP",
                "hard lockup detected by the NMI watchdog (kernel.hardlockup_panic)"
            ),
            ("Kernel panic - not syncing: hung_task: blocked tasks", "hung task watchdog (kernel.hung_task_panic)"),
            (
                "Kernel panic - not syncing: NMI: Not continuing",
                "unknown or unrecovered NMI (kernel.unknown_nmi_panic / panic_on_unrecovered_nmi, NMI button)"
            ),
            ("Kernel panic - not syncing: Fatal machine check", "machine check exception (hardware error)"),
            ("Kernel panic - not syncing: panic_on_warn set ...", "a kernel WARNING with kernel.panic_on_warn"),
            (
                "Kernel panic - not syncing: Out of memory: compulsory panic_on_oom is enabled",
                "out of memory (vm.panic_on_oom, or no killable process left)"
            ),
            (
                "Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009",
                "init (PID 1) exited or was killed"
            ),
            ("Kernel panic - not syncing: Fatal exception in interrupt", "oops, kernel.panic_on_oops"),
            ("Oops: 0000 [#1] SMP", "oops, kdump on oops"),
        ])
    func triggers(_ example: (panic: String, trigger: String)) {
        let facts = CrashFacts.extract(from: ["sys": "       PANIC: \"\(example.panic)\""])
        #expect(facts.trigger == example.trigger)
    }

    @Test("a BUG() with panic_on_oops is told apart from other oopses")
    func bugTrigger() {
        let facts = CrashFacts.extract(from: [
            "sys": "       PANIC: \"Kernel panic - not syncing: Fatal exception\"",
            "log": "[ 44.1] kernel BUG at mm/slub.c:412!\n[ 44.2] invalid opcode: 0000 [#1] SMP PTI",
        ])
        #expect(facts.trigger == "BUG() assertion (kernel BUG at …), kernel.panic_on_oops")
    }
}

import CASCore
import Testing

/// The headline (cause, culprit, task) on kernel reports written in the shapes the kernel source prints them:
/// the classes the fixture dumps cannot show, and the ranking of a cause over what follows it.
@Suite("Findings cause and culprit")
struct CauseTests {
    static func report(_ log: String, sys: String = "", traceback: String = "") throws -> FindingsReport {
        FindingsEngine.evaluate(
            rules: try FindingsTestSupport.builtinRules(), outputs: ["log": log, "sys": sys, "traceback": traceback])
    }

    // mm/kasan/report.c: print_error_description, print_address_description; lib/dump_stack.c.
    static let kasan = """
        [  215.512934] ==================================================================
        [  215.513011] BUG: KASAN: slab-out-of-bounds in kmalloc_oob_right+0x1b4/0x1f0 [test_kasan]
        [  215.513109] Write of size 1 at addr ffff888106a1e473 by task kunit_try_catch/3071
        [  215.513180]
        [  215.513201] CPU: 2 PID: 3071 Comm: kunit_try_catch Tainted: G    B            N 6.1.0-13-amd64 #1  Debian 6.1.55-1
        [  215.513260] Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014
        [  215.513300] Call Trace:
        [  215.513310]  <TASK>
        [  215.513320]  dump_stack_lvl+0x49/0x63
        [  215.513345]  print_report+0x171/0x4a8
        [  215.513370]  ? kmalloc_oob_right+0x1b4/0x1f0 [test_kasan]
        [  215.513400]  kasan_report+0xb1/0xe0
        [  215.513420]  kmalloc_oob_right+0x1b4/0x1f0 [test_kasan]
        [  215.513450]  kunit_try_run_case+0x5c/0xa0 [kunit]
        [  215.513480]  </TASK>
        [  215.513500] Modules linked in: test_kasan(N) kunit
        [  215.513520] ==================================================================
        [  215.513600] Kernel panic - not syncing: kasan.fault=panic set ...
        """

    @Test("KASAN: the bug type and access, in the function the report names")
    func kasanReport() throws {
        let report = try Self.report(Self.kasan)
        #expect(report.findings.first?.id == "kasan")
        #expect(
            report.headline == """
                KASAN: slab-out-of-bounds (Write of size 1 at ffff888106a1e473) in kmalloc_oob_right [test_kasan] \
                — PID 3071 "kunit_try_catch" on CPU 2
                """)
        #expect(report.culprit?.offset == "0x1b4/0x1f0")
        #expect(report.culprit?.moduleTaint == "N")
    }

    // mm/kfence/report.c kfence_report_error: header, blank line, access line, stack, object, CPU line.
    static let kfence = """
        [   31.201431] ==================================================================
        [   31.201431] BUG: KFENCE: use-after-free read in test_use_after_free_read+0xb3/0x143
        [   31.201431]
        [   31.201440] Use-after-free read at 0xffff8c3f2e291fb0 (in kfence-#79):
        [   31.201450]  test_use_after_free_read+0xb3/0x143
        [   31.201460]  kunit_try_run_case+0x51/0x85
        [   31.201470]  kthread+0x11e/0x140
        [   31.201480]
        [   31.201490] kfence-#79: 0xffff8c3f2e291fb0-0xffff8c3f2e291fcf, size=32, cache=kmalloc-32
        [   31.201500]
        [   31.201510] CPU: 1 PID: 190 Comm: kunit_try_catch Tainted: G    B             5.8.0-rc6+ #7
        [   31.201520] ==================================================================
        """

    @Test("KFENCE: the error type in the function the report names, the task of the CPU line")
    func kfenceReport() throws {
        let report = try Self.report(Self.kfence)
        #expect(
            report.headline
                == "KFENCE: use-after-free read in test_use_after_free_read — PID 190 \"kunit_try_catch\" on CPU 1")
        #expect(report.culprit?.module == nil)
    }

    // kernel/rcu/tree_stall.h print_cpu_stall: "INFO: %s self-detected stall on CPU", the per-CPU line, then
    // the stalled CPU's registers (show_regs through rcu_dump_cpu_stacks / dump_cpu_task).
    static let rcuStall = """
        [ 3001.511900] rcu: INFO: rcu_preempt self-detected stall on CPU
        [ 3001.511910] rcu: \t1-....: (5249 ticks this GP) idle=a3e/1/0x4000000000000002 softirq=4217/4217 fqs=2611
        [ 3001.511950] \t(t=5250 jiffies g=28221 q=1023 ncpus=4)
        [ 3001.511960] NMI backtrace for cpu 1
        [ 3001.511970] CPU: 1 PID: 4410 Comm: spinner Tainted: G           OE      6.1.0-13-amd64 #1  Debian 6.1.55-1
        [ 3001.512000] RIP: 0010:spin_forever+0x12/0x30 [spinmod]
        [ 3001.512010] Code: 48 89 e5 eb fe 0f 1f 44 00 00
        [ 3001.512020] RSP: 0018:ffffb3a8c0d7be58 EFLAGS: 00000246
        [ 3001.512100] Call Trace:
        [ 3001.512110]  <IRQ>
        [ 3001.512120]  rcu_dump_cpu_stacks+0xa0/0xd9
        [ 3001.512130]  </IRQ>
        [ 3001.512140]  <TASK>
        [ 3001.512150]  spinmod_write+0x40/0x60 [spinmod]
        [ 3001.512160]  vfs_write+0xb8/0x390
        [ 3001.512170]  </TASK>
        [ 3001.512200] Modules linked in: spinmod(OE) nft_chain_nat
        """

    @Test("RCU stall: the flavour and CPU, in the function the stalled CPU was running, module out-of-tree and unsigned")
    func rcuStallReport() throws {
        let report = try Self.report(Self.rcuStall)
        #expect(
            report.headline
                == "RCU stall (rcu_preempt) on CPU 1 in spin_forever [spinmod] — PID 4410 \"spinner\" on CPU 1")
        #expect(report.culprit?.moduleTaint == "OE")
        #expect(report.culprit?.summary == "spin_forever+0x12/0x30 [spinmod] (out-of-tree, unsigned module, taint OE)")
    }

    // arch/x86/kernel/cpu/mce/core.c __print_mce and mce_panic.
    static let machineCheck = """
        [ 1811.000001] mce: [Hardware Error]: CPU 4: Machine Check Exception: 5 Bank 4: be00000000800400
        [ 1811.000010] mce: [Hardware Error]: RIP !INEXACT! 10:<ffffffff8c7b3a1e> {intel_idle+0x5e/0xa0}
        [ 1811.000020] mce: [Hardware Error]: TSC 26d7c1f4a3f1 ADDR 3f2c1a000 MISC 86
        [ 1811.000030] mce: [Hardware Error]: PROCESSOR 0:50654 TIME 1700000000 SOCKET 0 APIC 8 microcode 2006e05
        [ 1811.000040] mce: [Hardware Error]: Machine check: Processor context corrupt
        [ 1811.000050] Kernel panic - not syncing: Fatal machine check
        """

    @Test("machine check: the CPU, bank and status; no function is blamed for a hardware error")
    func machineCheckReport() throws {
        let report = try Self.report(Self.machineCheck)
        #expect(report.findings.map(\.id).prefix(2) == ["machine-check", "machine-check-panic"])
        #expect(report.cause == "Machine check (hardware error) on CPU 4, bank 4, status be00000000800400 (+1 more)")
        #expect(report.culprit == nil)
    }

    // kernel/watchdog_hld.c watchdog_overflow_callback: the message, modules, then show_regs of the CPU.
    static let hardLockup = """
        [ 9921.003311] NMI watchdog: Watchdog detected hard LOCKUP on cpu 3
        [ 9921.003315] Modules linked in: irqstorm(O) ext4 mbcache jbd2
        [ 9921.003330] CPU: 3 PID: 0 Comm: swapper/3 Tainted: G           O      5.15.0-91-generic #101-Ubuntu
        [ 9921.003340] RIP: 0010:irqstorm_handler+0x21/0x40 [irqstorm]
        [ 9921.003350] Code: 0f 1f 44 00 00 55 48 89 e5 f3 90 eb fc
        [ 9921.003360] Call Trace:
        [ 9921.003370]  <IRQ>
        [ 9921.003380]  __handle_irq_event_percpu+0x4a/0x190
        [ 9921.003390]  handle_irq_event+0x3a/0x60
        [ 9921.003400]  </IRQ>
        [ 9921.003500] Kernel panic - not syncing: Hard LOCKUP
        """

    @Test("hard lockup: the CPU, the function its registers show, the task on it")
    func hardLockupReport() throws {
        let report = try Self.report(Self.hardLockup, sys: "       PANIC: \"Kernel panic - not syncing: Hard LOCKUP\"")
        #expect(report.findings.map(\.id).prefix(2) == ["hard-lockup", "hard-lockup-panic"])
        #expect(
            report.headline
                == "Hard lockup on CPU 3 (NMI watchdog) in irqstorm_handler [irqstorm] — PID 0 \"swapper/3\" on CPU 3")
        #expect(report.culprit?.moduleTaint == "O")
    }

    // kernel/sched/core.c __schedule_bug: the message, modules, the preemption-disabled IP, the stack.
    static let schedulingWhileAtomic = """
        [ 1422.020211] BUG: scheduling while atomic: kworker/1:2/221/0x00000002
        [ 1422.020230] Modules linked in: badlock(OE)
        [ 1422.020240] Preemption disabled at:
        [ 1422.020250] [<ffffffffc0a1b020>] badlock_work+0x20/0x80 [badlock]
        [ 1422.020260] CPU: 1 PID: 221 Comm: kworker/1:2 Tainted: G           OE     6.1.0 #1
        [ 1422.020270] Call Trace:
        [ 1422.020280]  <TASK>
        [ 1422.020290]  dump_stack_lvl+0x44/0x5c
        [ 1422.020300]  __schedule_bug.cold+0x7d/0x8b
        [ 1422.020310]  __schedule+0x5d1/0x6f0
        [ 1422.020320]  schedule+0x5d/0xe0
        [ 1422.020330]  schedule_timeout+0x98/0x160
        [ 1422.020340]  msleep+0x2d/0x40
        [ 1422.020350]  badlock_work+0x4a/0x80 [badlock]
        [ 1422.020360]  process_one_work+0x1c7/0x380
        [ 1422.020370]  </TASK>
        """

    @Test("scheduling while atomic: the first frame that is not the scheduler's or a sleep")
    func schedulingWhileAtomicReport() throws {
        let report = try Self.report(Self.schedulingWhileAtomic)
        #expect(
            report.headline == """
                Scheduling while atomic (preempt count 0x00000002) in badlock_work [badlock] — PID 221 "kworker/1:2" \
                on CPU 1
                """)
        #expect(report.culprit?.offset == "0x20/0x80", "the preemption-disabled IP comes first")
    }

    // kernel/sched/core.c __might_resched.
    static let sleepingInAtomic = """
        [  512.301101] BUG: sleeping function called from invalid context at kernel/locking/mutex.c:580
        [  512.301140] in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 2212, name: modprobe
        [  512.301150] preempt_count: 1, expected: 0
        [  512.301160] CPU: 0 PID: 2212 Comm: modprobe Tainted: G           O       6.1.0 #1
        [  512.301170] Call Trace:
        [  512.301180]  <TASK>
        [  512.301190]  dump_stack_lvl+0x44/0x5c
        [  512.301200]  __might_resched.cold+0xcc/0xdd
        [  512.301210]  mutex_lock+0x1a/0x40
        [  512.301220]  mydrv_probe+0x61/0x120 [mydrv]
        [  512.301230]  do_one_initcall+0x41/0x200
        [  512.301240]  </TASK>
        """

    @Test("sleeping in atomic context: the caller of the sleeping lock")
    func sleepingInAtomicReport() throws {
        let report = try Self.report(Self.sleepingInAtomic)
        #expect(
            report.headline == """
                Sleeping function called from invalid context at kernel/locking/mutex.c:580 in mydrv_probe [mydrv] \
                — PID 2212 "modprobe" on CPU 0
                """)
    }

    @Test("the cause outranks what follows it: NULL dereference over the oops header and Fatal exception")
    func causeBeforeConsequences() throws {
        let log = """
            [    1.161527] BUG: kernel NULL pointer dereference, address: 0000000000000000
            [    1.161752] #PF: supervisor read access in kernel mode
            [    1.161752] Oops: 0000 [#1] PREEMPT SMP NOPTI
            [    1.161752] CPU: 3 PID: 87 Comm: kworker/3:1 Not tainted 6.8.0 #1
            [    1.161752] RIP: 0010:ext4_readdir+0x7/0xc
            [    1.161752] Kernel panic - not syncing: Fatal exception
            """
        let report = try Self.report(log, sys: "       PANIC: \"Oops: 0000 [#1] PREEMPT SMP NOPTI\"")
        #expect(report.findings.map(\.id) == ["null-pointer-dereference", "oops", "panic-fatal-exception"])
        #expect(
            report.headline
                == "NULL pointer dereference (read from 0000000000000000) in ext4_readdir — PID 87 \"kworker/3:1\" on CPU 3"
        )
        #expect(report.culprit == Culprit(function: "ext4_readdir", offset: "0x7/0xc", source: "log", stack: ["ext4_readdir"]))
    }

    @Test("a harmless WARNING at boot does not outrank a later oops; with nothing else, the WARNING leads")
    func warningWeight() throws {
        let warning = """
            [    0.883916] WARNING: CPU: 0 PID: 1 at drivers/acpi/x.c:12 acpi_x_init+0x9/0xc
            [    0.885085] CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.1.0 #1
            """
        let oops = """
            [  100.448522] general protection fault, probably for non-canonical address 0xdead000000000122: 0000 [#1] SMP
            [  100.449403] CPU: 1 PID: 600 Comm: nfsd Not tainted 6.1.0 #1
            [  100.449500] RIP: 0010:nfsd_cache_lookup+0x44/0x1a0 [nfsd]
            """
        #expect(try Self.report(warning + "\n" + oops).findings.first?.id == "general-protection-fault")
        let alone = try Self.report(
            warning + "\n[    0.890840] Kernel panic - not syncing: kernel: panic_on_warn set ...")
        #expect(alone.headline == "WARNING at drivers/acpi/x.c:12 in acpi_x_init — PID 1 \"swapper/0\" on CPU 0")
    }

    @Test("no kernel log: the culprit comes from crash's Exception RIP and the bt frames' module")
    func fromCrashBacktrace() throws {
        let traceback = """
            PID: 26       TASK: ffff888000239480  CPU: 1    COMMAND: "faultyd"
             #0 [fffffe0000045e40] panic at ffffffff81144c49
             #1 [fffffe0000045eb8] oops_end at ffffffff810122a6
                [exception RIP: faulty_descend+26]
             #5 [ffffc900000e3fb8] faulty_descend at ffffffffa0000048 [faulty]
            """
        let report = FindingsEngine.evaluate(
            rules: try FindingsTestSupport.builtinRules(),
            outputs: ["sys": "       PANIC: \"kernel BUG at mm/slub.c:440!\"", "traceback": traceback])
        #expect(report.headline == "kernel BUG at mm/slub.c:440 in faulty_descend [faulty] — PID 26 \"faultyd\" on CPU 1")
        #expect(report.culprit?.offset == "+26")
        #expect(report.culprit?.source == "crash")
    }

    @Test("out of memory: the task killed, with its memory")
    func outOfMemoryVictim() throws {
        let log = """
            [ 6120.220481] stress-ng invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0
            [ 6120.220500] CPU: 2 PID: 48302 Comm: stress-ng Not tainted 6.1.0 #1
            [ 6120.220600] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name
            [ 6120.220610] [  48211]  1000 48211  3145728  2030864 16384000        0             0 java
            [ 6120.220620] [  48302]     0 48302    12000     3000    90112        0             0 stress-ng
            [ 6120.220797] Out of memory: Killed process 48211 (java) total-vm:12582912kB, anon-rss:8123456kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:16000kB oom_score_adj:0
            """
        let report = try Self.report(log)
        #expect(report.cause == "Out of memory (order-0 allocation by stress-ng)")
        #expect(report.task == CulpritTask(pid: 48211, command: "java", memory: "killed, anon-rss 8123456 kB"))
        #expect(report.culprit == nil)
        // Without a kill (panic_on_oom): the biggest resident task of the table.
        let table = log.split(separator: "\n").dropLast().joined(separator: "\n")
        #expect(try Self.report(table).task?.command == "java")
    }
}

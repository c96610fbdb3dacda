/// One built-in rule, realistic output text it must fire on, and a near miss it must not fire on.
struct BuiltinRuleCase: CustomStringConvertible, Sendable {
    var id: String
    var file: String
    var hit: String
    /// Details the finding must carry (in order), empty when the rule collects none.
    var details: [String]
    var nearMiss: String
    var description: String { id }
}

// Kernel log lines in the shapes the kernel prints them (6.x, with older forms where rules cover both).
let builtinRuleCases: [BuiltinRuleCase] = [
    .init(
        id: "sysrq-crash", file: "log",
        hit: "[ 1234.567890] sysrq: Trigger a crash\n[ 1234.567901] Kernel panic - not syncing: sysrq triggered crash",
        details: [],
        nearMiss: "[  512.000001] sysrq: Show Blocked State\n[  512.000100] sysrq: Show Memory"),
    .init(
        id: "oops", file: "log",
        hit: "[ 8812.331071] Oops: 0002 [#1] PREEMPT SMP NOPTI",
        details: ["oops #1, error code 0002"],
        nearMiss: "[    0.000000] Kernel command line: BOOT_IMAGE=/vmlinuz root=/dev/sda1 oops=panic"),
    .init(
        id: "null-pointer-dereference", file: "log",
        hit: "[ 8812.330912] BUG: kernel NULL pointer dereference, address: 0000000000000008\n"
            + "[ 8812.330960] #PF: supervisor write access in kernel mode",
        details: ["address 0000000000000008"],
        nearMiss: "[ 8812.330912] BUG: unable to handle page fault for address: ffffc90000a2b000"),
    .init(
        id: "kernel-page-fault", file: "log",
        hit: "[  371.088412] BUG: unable to handle page fault for address: ffffc90000a2b000\n"
            + "[  371.088430] #PF: supervisor read access in kernel mode",
        details: ["address ffffc90000a2b000"],
        nearMiss: "[  371.088412] x86/mm: Checked W+X mappings: passed, no W+X pages found."),
    .init(
        id: "kernel-bug", file: "log",
        hit: "[ 4401.220133] kernel BUG at fs/ext4/inode.c:3707!\n"
            + "[ 4401.220170] invalid opcode: 0000 [#1] SMP PTI",
        details: ["fs/ext4/inode.c:3707"],
        nearMiss: "[ 4401.220133] WARNING: CPU: 2 PID: 811 at fs/ext4/inode.c:3707 ext4_set_page_dirty+0x3b/0x50 [ext4]"
    ),
    .init(
        id: "general-protection-fault", file: "log",
        hit:
            "[ 2210.104455] general protection fault, probably for non-canonical address 0xdead000000000122: 0000 [#1] SMP NOPTI",
        details: ["0xdead000000000122"],
        nearMiss:
            "[ 2210.104455] traps: a.out[2711] general protection fault ip:401136 sp:7ffc9b7a0d20 error:0 in a.out[401000+1000]"
    ),
    .init(
        id: "panic-kill-init", file: "sys",
        hit: "       PANIC: \"Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009\"",
        details: ["exit code 0x00000009"],
        nearMiss: "       PANIC: \"Kernel panic - not syncing: Attempted to kill the idle task!\""),
    .init(
        id: "panic-vfs-root", file: "log",
        hit: "[    2.741203] VFS: Cannot open root device \"sda1\" or unknown-block(0,0): error -6\n"
            + "[    2.741255] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)",
        details: ["unknown-block(0,0)"],
        nearMiss: "[    2.741203] VFS: Mounted root (ext4 filesystem) readonly on device 8:1."),
    .init(
        id: "panic-fatal-exception-interrupt", file: "sys",
        hit: "       PANIC: \"Kernel panic - not syncing: Fatal exception in interrupt\"",
        details: [],
        nearMiss: "       PANIC: \"Kernel panic - not syncing: Fatal exception\""),
    .init(
        id: "panic-fatal-exception", file: "sys",
        hit: "       PANIC: \"Kernel panic - not syncing: Fatal exception\"",
        details: [],
        nearMiss: "       PANIC: \"Kernel panic - not syncing: Fatal exception in interrupt\""),
    .init(
        id: "hard-lockup", file: "log",
        hit: "[ 9921.003311] NMI watchdog: Watchdog detected hard LOCKUP on cpu 3",
        details: ["CPU 3"],
        nearMiss: "[    0.412200] NMI watchdog: Enabled. Permanently consumes one hw-PMU counter."),
    .init(
        id: "soft-lockup", file: "log",
        hit: "[ 5521.116402] watchdog: BUG: soft lockup - CPU#2 stuck for 22s! [kworker/2:1:1377]\n"
            + "[ 5549.116402] watchdog: BUG: soft lockup - CPU#2 stuck for 48s! [kworker/2:1:1377]",
        details: ["kworker/2:1:1377 on CPU 2 (22s)", "kworker/2:1:1377 on CPU 2 (48s)"],
        nearMiss: "[    0.000000] Kernel command line: BOOT_IMAGE=/vmlinuz softlockup_panic=1 nmi_watchdog=1"),
    .init(
        id: "hung-task", file: "log",
        hit: """
            [ 7380.481205] INFO: task jbd2/sda1-8:412 blocked for more than 120 seconds.
            [ 7380.481237]       Not tainted 5.15.0-91-generic #101-Ubuntu
            [ 7380.481249] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.
            [ 7380.481263] task:jbd2/sda1-8     state:D stack:    0 pid:  412 ppid:     2 flags:0x00004000
            [ 7380.481502] INFO: task postgres:20113 blocked for more than 120 seconds.
            [ 7501.313310] INFO: task jbd2/sda1-8:412 blocked for more than 241 seconds.
            """,
        details: ["jbd2/sda1-8 (PID 412)", "postgres (PID 20113)"],
        nearMiss: "[ 7380.481249] \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message."),
    .init(
        id: "rcu-stall", file: "log",
        hit: "[ 3001.511900] rcu: INFO: rcu_sched self-detected stall on CPU\n"
            + "[ 3001.511910] rcu: \t1-....: (5249 ticks this GP) idle=a3e/1/0x4000000000000002",
        details: ["rcu_sched"],
        nearMiss: "[    0.062837] rcu: RCU calculated value of scheduler-enlistment delay is 25 jiffies."),
    .init(
        id: "warning-storm", file: "log",
        hit: (0..<12).map {
            "[ \(100 + $0).000000] WARNING: CPU: \($0 % 4) PID: 0 at net/sched/sch_generic.c:525 dev_watchdog+0x20d/0x220"
        }
        .joined(separator: "\n"),
        details: ["net/sched/sch_generic.c:525"],
        nearMiss: (0..<3).map {
            "[ \(100 + $0).000000] WARNING: CPU: 1 PID: 0 at net/sched/sch_generic.c:525 dev_watchdog+0x20d/0x220"
        }
        .joined(separator: "\n")),
    .init(
        id: "oom-kill", file: "log",
        hit: """
            [ 6120.220481] stress-ng invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0
            [ 6120.220797] Out of memory: Killed process 48211 (java) total-vm:12582912kB, anon-rss:8123456kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:16000kB oom_score_adj:0
            [ 6121.004211] Out of memory: Kill process 48302 (stress-ng) score 912 or sacrifice child
            """,
        details: ["java (PID 48211)", "stress-ng (PID 48302)"],
        nearMiss:
            "[ 6120.220797] oom_reaper: reaped process 48211 (java), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB"),
    .init(
        id: "oom-panic", file: "sys",
        hit: "       PANIC: \"Kernel panic - not syncing: Out of memory: compulsory panic_on_oom is enabled\"",
        details: [],
        nearMiss: "       PANIC: \"Kernel panic - not syncing: sysrq triggered crash\""),
    .init(
        id: "low-free-memory", file: "memory",
        hit: """
                             PAGES        TOTAL      PERCENTAGE
                TOTAL MEM  8144314      31.1 GB         ----
                     FREE    71201     278.1 MB    0% of TOTAL MEM
                     USED  8073113      30.8 GB   99% of TOTAL MEM
            """,
        details: ["0% free"],
        nearMiss: """
                             PAGES        TOTAL      PERCENTAGE
                TOTAL MEM    13429      52.5 MB         ----
                     FREE    12774      49.9 MB   95% of TOTAL MEM
                   CACHED        3        12 KB    0% of TOTAL MEM
                HUGE FREE        0            0    0% of TOTAL HUGE
                SWAP FREE        0            0    0% of TOTAL SWAP
            """),
    .init(
        id: "page-allocation-failure", file: "log",
        hit:
            "[ 3312.100100] kworker/u16:2: page allocation failure: order:4, mode:0x40cc0(GFP_KERNEL|__GFP_COMP), nodemask=(null)",
        details: ["kworker/u16:2 (order 4)"],
        nearMiss: "[    0.049352] Memory: 49448K/65016K available (4096K kernel code, 15312K reserved, 0K cma-reserved)"
    ),
    .init(
        id: "machine-check", file: "log",
        hit: "[ 1811.000001] mce: [Hardware Error]: CPU 4: Machine Check Exception: 5 Bank 4: be00000000800400\n"
            + "[ 1811.000050] Kernel panic - not syncing: Fatal machine check",
        details: ["be00000000800400"],
        nearMiss:
            "[    0.381121] mce: CPU0: Thermal monitoring enabled (TM1)\n[    0.381200] MCE: In-kernel MCE decoding enabled."
    ),
    .init(
        id: "hardware-error", file: "log",
        hit: "[ 4412.000100] {1}[Hardware Error]: Hardware error from APEI Generic Hardware Error Source: 0\n"
            + "[ 4412.000110] {1}[Hardware Error]: event severity: fatal\n"
            + "[ 4413.100000] EDAC MC0: 1 UE memory read error on CPU_SrcID#0_Ha#0_Chan#1_DIMM#0",
        details: ["fatal", "EDAC MC0"],
        nearMiss:
            "[    2.100000] EDAC MC: Ver: 3.0.0\n[    2.200000] EDAC MC0: Giving out device to module skx_edac controller Skylake Socket#0 IMC#0"
    ),
    .init(
        id: "corrected-memory-errors", file: "log",
        hit:
            "[ 9000.000001] EDAC MC1: 3 CE memory read error on CPU_SrcID#1_Ha#0_Chan#0_DIMM#1 (channel:0 slot:1 page:0x1a2b3c)",
        details: ["EDAC MC1"],
        nearMiss:
            "[    2.200000] EDAC sbridge: Seeking for: PCI ID 8086:6fa0\n[    2.210000] EDAC MC1: Giving out device to module sb_edac"
    ),
    .init(
        id: "ext4-error", file: "log",
        hit:
            "[ 2001.400001] EXT4-fs error (device sda1): ext4_lookup:1855: inode #2: comm ls: deleted inode referenced: 1835015",
        details: ["sda1: ext4_lookup"],
        nearMiss: "[    3.400001] EXT4-fs (sda1): mounted filesystem with ordered data mode. Quota mode: none."),
    .init(
        id: "xfs-corruption", file: "log",
        hit:
            "[ 3120.882001] XFS (dm-3): Metadata corruption detected at xfs_dinode_verify+0xa3/0x560 [xfs], inode 0x8c0a2 dinode\n"
            + "[ 3120.882090] XFS (dm-3): Corruption of in-memory data detected.  Shutting down filesystem",
        details: ["dm-3: Metadata corruption detected", "dm-3: Corruption of in-memory data detected"],
        nearMiss: "[    4.010001] XFS (dm-3): Mounting V5 Filesystem\n[    4.110001] XFS (dm-3): Ending clean mount"),
    .init(
        id: "btrfs-error", file: "log",
        hit:
            "[ 812.114001] BTRFS critical (device nvme0n1p3): corrupt leaf: root=5 block=30932992 slot=1, invalid key objectid",
        details: ["nvme0n1p3: corrupt leaf"],
        nearMiss: "[    5.114001] BTRFS info (device nvme0n1p3): disk space caching is enabled"),
    .init(
        id: "block-io-error", file: "log",
        hit: "[ 6610.001001] I/O error, dev sdb, sector 2048 op 0x0:(READ) flags 0x80700 phys_seg 1 prio class 0\n"
            + "[ 6610.001020] Buffer I/O error on dev sdb1, logical block 0, async page read\n"
            + "[ 6611.000001] blk_update_request: critical medium error, dev nvme0n1, sector 88128 op 0x0:(READ)",
        details: ["sdb", "sdb1", "nvme0n1"],
        nearMiss:
            "[    1.200000] io scheduler mq-deadline registered\n[    1.300000] sd 0:0:0:0: [sda] 1048576 512-byte logical blocks: (537 MB/512 MiB)"
    ),
    .init(
        id: "scsi-timeout", file: "log",
        hit:
            "[ 4410.331001] sd 2:0:0:0: [sdb] tag#17 FAILED Result: hostbyte=DID_TIME_OUT driverbyte=DRIVER_OK cmd_age=30s\n"
            + "[ 4590.331001] sd 2:0:0:0: timing out command, waited 180s",
        details: ["2:0:0:0"],
        nearMiss:
            "[ 4410.331001] sd 2:0:0:0: [sdb] tag#17 FAILED Result: hostbyte=DID_OK driverbyte=DRIVER_OK cmd_age=0s"),
    .init(
        id: "nvme-timeout", file: "log",
        hit: "[ 7002.000101] nvme nvme0: I/O 423 QID 3 timeout, aborting\n"
            + "[ 7032.000101] nvme nvme0: I/O 423 QID 3 timeout, reset controller",
        details: ["nvme0"],
        nearMiss: "[    1.900001] nvme nvme0: 8/0/0 default/read/poll queues"),
    .init(
        id: "proprietary-module", file: "log",
        hit:
            "[   12.770001] nvidia: module license 'NVIDIA' taints kernel.\n[   12.770010] Disabling lock debugging due to kernel taint",
        details: ["nvidia (NVIDIA)"],
        nearMiss: "[   12.770001] nvidia-nvlink: Nvlink Core is being initialized, major device number 235"),
    .init(
        id: "out-of-tree-module", file: "log",
        hit: "[    0.649163] crashfix: loading out-of-tree module taints kernel.",
        details: ["crashfix"],
        nearMiss: "[    0.653885] crashfix: loaded, value=42"),
    .init(
        id: "unsigned-module", file: "log",
        hit: "[   20.100001] zfs: module verification failed: signature and/or required key missing - tainting kernel",
        details: ["zfs"],
        nearMiss: "[    1.100001] Loaded X.509 cert 'Build time autogenerated kernel key: 0b1a2c'"),
    .init(
        id: "divide-error", file: "log",
        hit: "[ 1526.059110] divide error: 0000 [#1] PREEMPT SMP NOPTI",
        details: [],
        nearMiss: "[ 1526.059110] traps: calc[4121] trap divide error ip:401126 sp:7ffd2c8 error:0 in calc[401000+1000]"),
    .init(
        id: "invalid-opcode", file: "log",
        hit: "[   88.120301] invalid opcode: 0000 [#1] SMP PTI",
        details: [],
        nearMiss: "[   88.120301] traps: jit[912] trap invalid opcode ip:7f2a10 sp:7ffc10 error:0 in libjit.so[7f2a00+2000]"),
    .init(
        id: "kernel-warning", file: "log",
        hit: "[  883.916021] WARNING: CPU: 3 PID: 1207 at drivers/gpu/drm/i915/intel_display.c:1520 intel_enable_pipe+0x1a/0x90 [i915]",
        details: ["drivers/gpu/drm/i915/intel_display.c:1520"],
        nearMiss: "[    0.000000] Kernel command line: BOOT_IMAGE=/vmlinuz panic_on_warn=1"),
    .init(
        id: "stack-overflow", file: "log",
        hit: "[  401.024027] BUG: TASK stack guard page was hit at 00000000c2e8a7f1 (stack is 0000000040d4b2a6..00000000f4f3a1c2)\n"
            + "[  401.032028] stack guard page: 0000 [#1] PREEMPT SMP NOPTI",
        details: [],
        nearMiss: "[    0.131002] Stack Depot allocating hash table of 1048576 entries with kvcalloc"),
    .init(
        id: "list-corruption", file: "log",
        hit: "[ 5120.330712] list_del corruption. prev->next should be ffff8881046d2a08, but was dead000000000100. (prev=ffff88810bd3c208)",
        details: ["list_del corruption"],
        nearMiss: "[    0.000000] Kernel command line: BOOT_IMAGE=/vmlinuz list_debug=1"),
    .init(
        id: "slab-corruption", file: "log",
        hit: "[ 2201.441002] BUG kmalloc-64 (Tainted: G    B      O      ): Redzone overwritten",
        details: [],
        nearMiss: "[    0.081000] SLUB: HWalign=64, Order=0-3, MinObjects=0, CPUs=4, Nodes=1"),
    .init(
        id: "kasan", file: "log",
        hit: """
            [  215.512934] ==================================================================
            [  215.513011] BUG: KASAN: slab-out-of-bounds in kmalloc_oob_right+0x1b4/0x1f0 [test_kasan]
            [  215.513109] Write of size 1 at addr ffff888106a1e473 by task kunit_try_catch/3071
            """,
        details: ["slab-out-of-bounds in kmalloc_oob_right+0x1b4/0x1f0"],
        nearMiss: "[    0.000000] KernelAddressSanitizer initialized (generic)"),
    .init(
        id: "kfence", file: "log",
        hit: """
            [   31.201431] BUG: KFENCE: use-after-free read in test_use_after_free_read+0xb3/0x143
            [   31.201431]
            [   31.201440] Use-after-free read at 0xffff8c3f2e291fb0 (in kfence-#79):
            """,
        details: ["use-after-free read in test_use_after_free_read+0xb3/0x143"],
        nearMiss: "[    0.330110] kfence: initialized - using 2097152 bytes for 255 objects at 0x(____ptrval____)"),
    .init(
        id: "scheduling-while-atomic", file: "log",
        hit: "[ 1422.020211] BUG: scheduling while atomic: kworker/1:2/221/0x00000002",
        details: ["kworker/1:2 (PID 221)"],
        nearMiss: "[    0.210000] sched_clock: Marking stable (210000, 0)->(220000, -10000)"),
    .init(
        id: "sleeping-in-atomic", file: "log",
        hit: "[  512.301101] BUG: sleeping function called from invalid context at kernel/locking/mutex.c:580\n"
            + "[  512.301140] in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 2212, name: modprobe",
        details: ["kernel/locking/mutex.c:580"],
        nearMiss: "[    0.000000] Kernel command line: BOOT_IMAGE=/vmlinuz preempt=full"),
    .init(
        id: "explicit-panic", file: "log",
        hit: "[ 1070.979001] Kernel panic - not syncing: mlx5_core: firmware fatal error, resetting failed",
        details: ["mlx5_core: firmware fatal error, resetting failed"],
        nearMiss: "[ 1070.979001] Kernel panic - not syncing: Fatal exception"),
    .init(
        id: "panic-on-warn", file: "sys",
        hit: "       PANIC: \"Kernel panic - not syncing: kernel: panic_on_warn set ...\"",
        details: [],
        nearMiss: "       PANIC: \"Kernel panic - not syncing: Fatal exception\""),
    .init(
        id: "hard-lockup-panic", file: "sys",
        hit: "       PANIC: \"Kernel panic - not syncing: Hard LOCKUP\"",
        details: [],
        nearMiss: "       PANIC: \"Kernel panic - not syncing: softlockup: hung tasks\""),
    .init(
        id: "soft-lockup-panic", file: "sys",
        hit: "       PANIC: \"Kernel panic - not syncing: softlockup: hung tasks\"",
        details: [],
        nearMiss: "       PANIC: \"Kernel panic - not syncing: Hard LOCKUP\""),
    .init(
        id: "hung-task-panic", file: "sys",
        hit: "       PANIC: \"Kernel panic - not syncing: hung_task: blocked tasks\"",
        details: [],
        nearMiss: "       PANIC: \"Kernel panic - not syncing: Hard LOCKUP\""),
    .init(
        id: "oom-invoked", file: "log",
        hit: "[ 6120.220481] stress-ng invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0",
        details: ["stress-ng (order 0)"],
        nearMiss: "[ 6120.220797] oom_reaper: reaped process 48211 (java), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB"),
    .init(
        id: "machine-check-panic", file: "sys",
        hit: "       PANIC: \"Kernel panic - not syncing: Fatal machine check\"",
        details: ["Fatal machine check"],
        nearMiss: "       PANIC: \"Kernel panic - not syncing: Fatal exception\""),
]

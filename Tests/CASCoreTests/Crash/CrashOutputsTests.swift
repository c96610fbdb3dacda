import CASTestSupport
import Foundation
import Testing

@testable import CASCore

@Suite struct CrashOutputsTests {
    @Test func redirectTargetsInOrderWithoutDuplicates() {
        let input = "bt >> traceback\nbt -a >> traceback\nsys\nps -m | grep UN >> blocked\nlog > log\nexit\n"
        #expect(CrashOutputs.redirectTargets(in: input) == ["traceback", "blocked", "log"])
    }

    @Test func crashingBacktraceStopsAtTheNextTaskOrABlankLine() {
        let traceback = """

            PID: 1        TASK: ffff888000178000  CPU: 0    COMMAND: "init"
             #0 [ffff888000167d98] panic at ffffffff811429ae
             #2 [ffff888000167e48] write_sysrq_trigger at ffffffff8111417f
            PID: 1        TASK: ffff888000178000  CPU: 0    COMMAND: "init"
             #0 [ffff888000167d98] panic at ffffffff811429ae
            """
        #expect(
            CrashOutputs.crashingBacktrace(in: traceback) == """
                PID: 1        TASK: ffff888000178000  CPU: 0    COMMAND: "init"
                 #0 [ffff888000167d98] panic at ffffffff811429ae
                 #2 [ffff888000167e48] write_sysrq_trigger at ffffffff8111417f
                """)
        #expect(CrashOutputs.crashingBacktrace(in: "a\nb\n\nc") == "a\nb")
        #expect(CrashOutputs.crashingBacktrace(in: "\n\n") == nil)
    }

    @Test func listsExistingOutputsWithSizes() throws {
        let dir = try TemporaryDirectory.make("cas-crash")
        try "bt >> traceback\nsys >> sys\nexit\n".write(toFile: dir + "/crash.in", atomically: true, encoding: .utf8)
        try "12345".write(toFile: dir + "/crash.out", atomically: true, encoding: .utf8)
        try "PID: 1\n".write(toFile: dir + "/traceback", atomically: true, encoding: .utf8)
        #expect(
            CrashOutputs.list(directory: dir) == [.init(name: "crash.out", size: 5), .init(name: "traceback", size: 7)])
        #expect(CrashOutputs.crashingBacktrace(directory: dir) == "PID: 1")
        #expect(CrashOutputs.crashingBacktrace(directory: dir + "/none") == nil)
    }

    @Test func warningsAreCrashsWarningLines() {
        let out = "WARNING: kernel version inconsistency between vmlinux and dumpfile\n\n      KERNEL: vmlinux\n"
        #expect(
            CrashOutputs.warnings(in: out) == ["WARNING: kernel version inconsistency between vmlinux and dumpfile"])
        #expect(CrashOutputs.warnings(in: "no WARNING: here\n").isEmpty)
    }

    @Test func commandErrorsAreTiedToTheirCommand() {
        let out = """
            bt: read of stack at fffffe0000014000 failed
            dev: -d option not supported or applicable on this architecture or kernel
            net: dev_base, dev_base_head or init_net do not exist!
            ps: last-run timestamps do not exist in this kernel
            WARNING: cannot read cpu_possible_map
            crash: cannot resolve "init_task"
            """
        let errors = CrashOutputs.commandErrors(
            in: out, commands: ["sys >> sys", "bt >> traceback", "dev -d >> devices", "net >> net", "ps -m | grep UN >> blocked"])
        #expect(errors.map(\.command) == ["bt >> traceback", "dev -d >> devices", "net >> net", "ps -m | grep UN >> blocked"])
        #expect(errors[1].reason == "dev: -d option not supported or applicable on this architecture or kernel")
    }
}

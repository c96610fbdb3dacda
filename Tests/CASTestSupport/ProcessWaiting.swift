import Foundation

/// Waiting for child processes in tests without relying on SIGCHLD.
///
/// swift-subprocess (behind CASCore's `Command`) installs its own SIGCHLD handler when the kernel offers
/// no pidfd (as in some sandboxes). Foundation's `Process` waits for that signal, so once any test in the
/// process has used `Command`, `waitUntilExit()` can wait forever on a child that is already a zombie.
/// These helpers reap the child by its own pid instead. The CAS binaries never mix the two.
private let reaped = ReapedStatuses()

private final class ReapedStatuses: @unchecked Sendable {
    let lock = NSLock()
    var statuses: [Int32: Int32] = [:]
}

extension Process {
    /// Reaps the child if it has ended; true while it still runs.
    public var isRunningReliably: Bool {
        let pid = processIdentifier
        if reaped.lock.withLock({ reaped.statuses[pid] != nil }) { return false }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
            let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : status & 0x7f
            reaped.lock.withLock { reaped.statuses[pid] = code }
            return false
        }
        if result == -1 && errno == ECHILD { return isRunning }
        return true
    }

    /// Blocks until the child ends, polling its pid (10 ms steps).
    public func waitUntilExitReliably() {
        while isRunningReliably { usleep(10_000) }
        if reaped.lock.withLock({ reaped.statuses[processIdentifier] == nil }) { waitUntilExit() }
    }

    /// The exit status (or the signal number) of an ended child.
    public var reliableTerminationStatus: Int32 {
        reaped.lock.withLock { reaped.statuses[processIdentifier] } ?? terminationStatus
    }
}

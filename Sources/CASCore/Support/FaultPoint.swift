import Foundation

/// Named places in the pipeline where the robustness suite (`make robustness`) stops a real `cas` to kill it.
///
/// A test hook: when the environment variable `CAS_FAULT_STOP` equals a point's name, the process sends
/// itself SIGSTOP on reaching that point, so a test can wait for the stopped state and `kill -9` it there
/// (or resume it with SIGCONT). The variable is read once; without it a point costs one comparison.
/// Points: each job stage as it is entered ("intake", "identify", "lookup", "crash"; ``JobRecord/State``)
/// and "extracting-partial" (the first chunk of a member written to its `.part` file).
public enum FaultPoint {
    /// The point named by `CAS_FAULT_STOP`, if any.
    static let armed: String? = ProcessInfo.processInfo.environment["CAS_FAULT_STOP"]

    /// Stops the process here when `name` is the armed point; does nothing otherwise.
    public static func reach(_ name: String) {
        guard let armed, armed == name else { return }
        raise(SIGSTOP)
    }
}

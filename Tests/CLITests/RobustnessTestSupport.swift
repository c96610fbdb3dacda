import CASCore
import CASTestSupport
import Foundation

/// Helpers for the robustness suites (`make robustness`, `CAS_ROBUSTNESS=1`): processes started together,
/// killed at a chosen moment, and the jobs table read back.
enum Robustness {
    /// The suites are slow (many real jobs), so they run only when `CAS_ROBUSTNESS` is set.
    static let enabled = ProcessInfo.processInfo.environment["CAS_ROBUSTNESS"] != nil

    /// A started binary (the kit's ``Spawned``).
    typealias Spawned = CASTestSupport.Spawned

    /// Polls (every 10 ms, up to `seconds`) until `condition` holds; false on timeout.
    static func until(seconds: Double = 120, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    /// True when `pid` is stopped (state `T` in `/proc/PID/stat`; the state follows the last `)`, as the
    /// command name may hold spaces or parentheses).
    static func isStopped(_ pid: Int32) -> Bool {
        let stat = JobWorld.read("/proc/\(pid)/stat")
        guard let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first == "T"
    }

    /// The jobs table of the tree at `base`, read directly.
    static func jobs(_ base: String, caseId: String? = nil) -> [JobRecord] {
        guard let store = try? Store(path: base + "/cas.db") else { return [] }
        return (try? store.jobs(caseId: caseId)) ?? []
    }

    /// A fake `crash` that announces itself in `base/crash-ready` (its pid) and then sleeps, so a test can
    /// kill `cas` while it is analysing. Returns the script's path.
    static func slowCrash(_ base: String) throws -> String {
        let path = base + "/slow-crash"
        try """
        #!/bin/sh
        echo $$ > "\(base)/crash-ready.tmp" && mv "\(base)/crash-ready.tmp" "\(base)/crash-ready"
        exec sleep 600
        """.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    /// Rewrites `base/cas.conf`, appending `lines` (e.g. an `[advanced]` section).
    static func configure(_ base: String, _ lines: String) throws {
        let conf = base + "/cas.conf"
        try (JobWorld.read(conf) + "\n" + lines + "\n").write(toFile: conf, atomically: true, encoding: .utf8)
    }

    /// Restores the configuration written by ``JobWorld/tree(indexed:extra:)`` (drops appended sections).
    static func resetConfig(_ base: String) throws {
        let conf = base + "/cas.conf"
        let text = JobWorld.read(conf)
        let kept = text.components(separatedBy: "\n[advanced]").first ?? text
        try kept.write(toFile: conf, atomically: true, encoding: .utf8)
    }

    /// Job directories (not `latest`) of `caseId` under the tree's work directory.
    static func jobDirectories(_ base: String, _ caseId: String) -> [String] {
        let dir = base + "/work/" + caseId
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0 != "latest" && !$0.hasPrefix(".") }.map { dir + "/" + $0 }.sorted()
    }
}

extension Spawned {
    /// Starts the built `tool` with `arguments` and `--config base/cas.conf`; `environment` is added to the
    /// test's own (e.g. `CAS_FAULT_STOP`, see ``FaultPoint``).
    convenience init(_ tool: String, _ arguments: [String], base: String, environment: [String: String] = [:]) throws {
        try self.init(
            BuiltBinary.path(tool), arguments + ["--config", base + "/cas.conf"],
            environment: environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { _, new in new })
    }

    /// Waits until the process has stopped itself at its ``FaultPoint``; false when it ended (or 120 s
    /// passed) instead.
    func waitStopped() -> Bool {
        _ = Robustness.until { Robustness.isStopped(pid) || !isRunning }
        return Robustness.isStopped(pid)
    }

    /// `kill -9`, then waits.
    func kill9() throws -> RunResult {
        kill(SIGKILL)
        return try wait()
    }
}

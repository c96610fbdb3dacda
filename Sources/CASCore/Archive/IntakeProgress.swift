import Foundation

/// A one-line progress display on standard error, only when it is a terminal:
/// input consumed of total, output written, rate and ETA, redrawn at most twice a second.
final class IntakeProgress {
    private let enabled: Bool
    private let total: Int64
    private let start = Date()
    private var last = Date.distantPast
    private var drawn = false

    init(total: Int64, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.total = total
        self.enabled = enabled
    }

    func update(bytesIn: Int64, bytesOut: Int64) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(last) >= 0.5 else { return }
        last = now
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        let rate = Double(bytesIn) / elapsed
        var line = "unpacking: \(ByteCount.format(bytesIn)) of \(ByteCount.format(total)) read, "
            + "\(ByteCount.format(bytesOut)) written, \(ByteCount.format(Int64(rate)))/s"
        if rate > 0, total > bytesIn {
            line += ", ETA \(Int(Double(total - bytesIn) / rate)) s"
        }
        FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
        drawn = true
    }

    func finish() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

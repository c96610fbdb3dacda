import Foundation
import Logging

/// Where log lines go: standard error at one level, and any number of files (job logs) at another.
///
/// Thread-safe; shared by every `Logger` the process makes through ``CASLogHandler``.
public final class LogSink: @unchecked Sendable {
    /// The process-wide sink the CLIs bootstrap swift-log with.
    public static let shared = LogSink()

    private let lock = NSLock()
    private var stderrLevel: Logger.Level = .warning
    private var files: [ObjectIdentifier: (handle: FileHandle, level: Logger.Level)] = [:]
    private var stderrQuiet = false

    public init() {}

    /// Sets how much reaches standard error (`--verbose` raises it to debug).
    public func setStandardErrorLevel(_ level: Logger.Level, quiet: Bool = false) {
        lock.withLock {
            stderrLevel = level
            stderrQuiet = quiet
        }
    }

    /// Appends every line at `level` or above to the file at `path` until ``detach(_:)``.
    @discardableResult
    public func attach(file path: String, level: Logger.Level) throws -> LogFileToken {
        // Opened without following a link and never truncated: appends to the log this job created.
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let token = LogFileToken()
        lock.withLock { files[ObjectIdentifier(token)] = (handle, level) }
        return token
    }

    /// Stops writing to the file `token` names and closes it.
    public func detach(_ token: LogFileToken) {
        let entry = lock.withLock { files.removeValue(forKey: ObjectIdentifier(token)) }
        try? entry?.handle.close()
    }

    /// Writes one line: `message` is escaped (``Escaped``), since it may carry names and values from an
    /// upload or a dump, and one log entry must stay one line.
    func write(level: Logger.Level, label: String, message raw: String) {
        let message = Escaped.text(raw)
        let stamp = Self.timestamp()
        lock.withLock {
            if !stderrQuiet, level >= stderrLevel {
                // A message that already names its stage ("intake: unpacked …") is not named twice.
                let named = message.hasPrefix(label + ": ")
                let prefix =
                    level >= .warning
                    ? "\(label): \(level == .warning ? "warning" : "error"): "
                    : named ? "" : "\(label): "
                FileHandle.standardError.write(Data((prefix + message + "\n").utf8))
            }
            for (_, entry) in files where level >= entry.level {
                entry.handle.write(Data("\(stamp) \(level.rawValue.uppercased()) \(message)\n".utf8))
            }
        }
    }

    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var tm = tm()
        var seconds = now.tv_sec
        localtime_r(&seconds, &tm)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
            tm.tm_min, tm.tm_sec, Int(now.tv_nsec / 1_000_000))
    }
}

/// Names one file attached to a ``LogSink``.
public final class LogFileToken: Sendable {}

/// A swift-log handler that writes through a ``LogSink``.
public struct CASLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace
    let label: String
    let sink: LogSink

    public init(label: String, sink: LogSink = .shared) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var text = "\(event.message)"
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        if !merged.isEmpty {
            text += " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        sink.write(level: event.level, label: label, message: text)
    }
}

extension Logger {
    /// A logger writing through the shared ``LogSink`` whatever swift-log was bootstrapped with.
    public static func cas(_ label: String) -> Logger {
        Logger(label: label) { CASLogHandler(label: $0) }
    }
}

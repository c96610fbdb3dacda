/// One record of the kernel's log, as the printk buffer keeps it.
public struct KernelLogRecord: Sendable, Equatable {
    /// The record's sequence number (lockless ring buffer only).
    public var sequence: UInt64?
    /// Nanoseconds since boot (`local_clock()` when printk stored it).
    public var timestamp: UInt64
    /// Log level 0 (emerg) to 7 (debug), when the layout tells.
    public var level: Int?
    /// Syslog facility (0 kernel, 1 user space through /dev/kmsg, …), when the layout tells.
    public var facility: Int?
    /// `caller_id` of `CONFIG_PRINTK_CALLER` kernels: a thread ID, or a CPU number with the top bit set.
    public var caller: UInt32?
    /// The text as stored: no prefix, lines of a multi-line record separated by LF, any bytes.
    public var text: [UInt8]

    public init(
        sequence: UInt64? = nil, timestamp: UInt64, level: Int? = nil, facility: Int? = nil, caller: UInt32? = nil,
        text: [UInt8]
    ) {
        self.sequence = sequence
        self.timestamp = timestamp
        self.level = level
        self.facility = facility
        self.caller = caller
        self.text = text
    }

    /// The caller as the kernel prints it: `T123` (thread 123) or `C1` (CPU 1, in interrupt context).
    public var callerText: String? {
        caller.map { ($0 & 0x8000_0000 != 0 ? "C" : "T") + String($0 & 0x7fff_ffff) }
    }

    /// The record as `makedumpfile --dump-dmesg` and crash's `log` print it: `[    3.372916] text`, the
    /// lines after the first indented under the text, control bytes and bytes above 0x7e as `\xNN` (tab
    /// kept, as both tools do). No trailing newline.
    public var line: String {
        let prefix = Self.timestampPrefix(timestamp)
        var out = Array(prefix.utf8)
        out.reserveCapacity(out.count + text.count)
        let indent = [UInt8](repeating: 0x20, count: prefix.utf8.count)
        let hex = Array("0123456789abcdef".utf8)
        for byte in text {
            switch byte {
            case 0x0A: out.append(0x0A); out += indent
            case 0x09, 0x20...0x7E: out.append(byte)
            default: out += [0x5C, 0x78, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `[%5llu.%06llu] ` of a nanosecond timestamp, as makedumpfile prints it.
    public static func timestampPrefix(_ nanoseconds: UInt64) -> String {
        let seconds = String(nanoseconds / 1_000_000_000)
        let micros = String((nanoseconds % 1_000_000_000) / 1000)
        return "[" + String(repeating: " ", count: max(0, 5 - seconds.count)) + seconds + "."
            + String(repeating: "0", count: 6 - micros.count) + micros + "] "
    }
}

/// The kernel log read from a dump: the records that parsed, oldest first, and how many did not.
public struct KernelLog: Sendable, Equatable {
    /// Which printk buffer the kernel had: "printk_ringbuffer" (5.10 and later) or "log_buf" (3.5 to 5.9).
    public var layout: String
    public var records: [KernelLogRecord]
    /// Records the buffer lists but that could not be read: descriptors holding another ID, impossible
    /// positions or lengths, pages missing from the dump. (Reserved and reusable descriptors are no
    /// records, and are not counted.)
    public var skipped: Int

    public init(layout: String, records: [KernelLogRecord] = [], skipped: Int = 0) {
        self.layout = layout
        self.records = records
        self.skipped = skipped
    }

    /// Every record as ``KernelLogRecord/line``, one per line, ending with a newline (empty for no records).
    public var text: String {
        var out = ""
        for record in records {
            out += record.line
            out += "\n"
        }
        return out
    }
}

/// Why the kernel log could not be read from a dump.
public enum KernelLogError: CASError {
    /// VMCOREINFO lacks what locating the log needs; the text names the missing keys.
    case missing(String, String)
    /// The log's control structures are not in the dump or are impossible.
    case unreadable(String, String)
    case dump(DumpError)

    public var description: String {
        switch self {
        case .missing(let name, let what): "\(name): cannot find the kernel log: \(what)"
        case .unreadable(let name, let what): "\(name): cannot read the kernel log: \(what)"
        case .dump(let error): error.description
        }
    }

    public var exitStatus: ExitStatus {
        if case .dump(let error) = self { return error.exitStatus }
        return .badInput
    }
}

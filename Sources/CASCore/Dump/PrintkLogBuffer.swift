/// The variable-length record buffer of Linux 3.5 to 5.9: `char *log_buf` of `log_buf_len` bytes holding
/// `struct printk_log` headers (ts_nsec, len, text_len, dict_len, facility, flags:5/level:3, and caller_id
/// with `CONFIG_PRINTK_CALLER`) each followed by its text and dictionary. Records run from `log_first_idx`
/// to `log_next_idx`; a header with `len` 0 marks the end of the buffer and the walk wraps to its start
/// (makedumpfile's `log_from_ptr`/`log_next`).
enum PrintkLogBuffer {
    /// Largest `log_buf_len` accepted (the kernel caps it far lower).
    static let maxLength: UInt64 = 1 << 31

    static func read(_ memory: KernelMemory, fields: VMCoreInfoFields, name: String) throws(KernelLogError)
        -> KernelLog
    {
        var fields = fields
        let needed = ["log_buf_len", "log_first_idx", "log_next_idx"].filter { fields.symbol($0) == nil }
        let size = fields.size("printk_log")
        let tsNsec = fields.offset("printk_log.ts_nsec")
        let lenAt = fields.offset("printk_log.len")
        let textLenAt = fields.offset("printk_log.text_len")
        guard needed.isEmpty, let size, let tsNsec, let lenAt, let textLenAt else {
            let missing = needed.map { "SYMBOL(\($0))" } + fields.missing
            throw .missing(name, "VMCOREINFO has SYMBOL(log_buf) but lacks " + missing.joined(separator: ", "))
        }
        do {
            guard let buffer = try memory.word(fields.symbol("log_buf")!),
                let lengthBytes = try memory.read(fields.symbol("log_buf_len")!, count: 4),
                let firstBytes = try memory.read(fields.symbol("log_first_idx")!, count: 4),
                let nextBytes = try memory.read(fields.symbol("log_next_idx")!, count: 4)
            else { throw KernelLogError.unreadable(name, "log_buf and its indexes are not in the dump") }
            let length = UInt64(HeaderBytes(lengthBytes, order: memory.order).u32(0)!)
            let first = UInt64(HeaderBytes(firstBytes, order: memory.order).u32(0)!)
            let next = UInt64(HeaderBytes(nextBytes, order: memory.order).u32(0)!)
            guard length > 0, length <= maxLength, first < length, next < length, size >= 16, size <= 64 else {
                throw KernelLogError.unreadable(
                    name, "impossible log_buf_len \(length), log_first_idx \(first), log_next_idx \(next)")
            }
            let header = Header(size: size, tsNsec: tsNsec, len: lenAt, textLen: textLenAt)
            return try walk(memory, buffer: buffer, length: length, first: first, next: next, header: header)
        } catch let error as KernelLogError {
            throw error
        } catch let error as DumpError {
            throw .dump(error)
        } catch {
            throw .unreadable(name, "\(error)")
        }
    }

    struct Header {
        var size, tsNsec, len, textLen: Int
    }

    private static func walk(
        _ memory: KernelMemory, buffer: UInt64, length: UInt64, first: UInt64, next: UInt64, header: Header
    ) throws(DumpError) -> KernelLog {
        var log = KernelLog(layout: "log_buf")
        var index = first
        var wrapped = false
        let headerSize = UInt64(header.size)
        // Each step moves on by at least a header, and the walk wraps at most once.
        var steps = 2 * length / headerSize + 2
        while index != next, steps > 0 {
            steps -= 1
            guard index + headerSize <= length, let bytes = try memory.read(buffer &+ index, count: header.size) else {
                log.skipped += 1
                break
            }
            let fields = StructBytes(bytes, memory: memory)
            let len = UInt64(fields.u16(header.len) ?? 0)
            if len == 0 {
                // The end-of-buffer marker: the next record is at the start.
                guard !wrapped, index != 0 else {
                    log.skipped += 1
                    break
                }
                wrapped = true
                index = 0
                continue
            }
            guard len >= headerSize, index + len <= length, let timestamp = fields.u64(header.tsNsec) else {
                log.skipped += 1
                break
            }
            let textLength = min(UInt64(fields.u16(header.textLen) ?? 0), len - headerSize)
            if let text = try memory.read(buffer &+ index &+ headerSize, count: Int(textLength)) {
                var record = KernelLogRecord(timestamp: timestamp, text: text)
                // After text_len: u16 dict_len, u8 facility, u8 flags:5/level:3, then u32 caller_id if configured.
                record.facility = fields.u8(header.textLen + 4).map(Int.init)
                record.level = fields.level(header.textLen + 5)
                if header.size >= header.textLen + 10 { record.caller = fields.u32(header.textLen + 6) }
                log.records.append(record)
            } else {
                log.skipped += 1
            }
            index += len
        }
        return log
    }
}

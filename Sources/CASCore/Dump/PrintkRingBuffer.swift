/// The lockless `printk_ringbuffer` of Linux 5.10 and later (kernel/printk/printk_ringbuffer.c).
///
/// `prb` points to the ring buffer; its descriptor ring holds `1 << count_bits` descriptors (`prb_desc`:
/// `state_var`, `text_blk_lpos`) and as many `printk_info` (seq, ts_nsec, text_len, facility, level,
/// caller_id); its text data ring is `1 << size_bits` bytes of blocks, each an ID (`unsigned long`) then
/// the text. Records are walked from `tail_id` to `head_id` as makedumpfile does; a descriptor is printed
/// when its state is committed or finalized for that ID, and its block positions are checked as the
/// kernel's `get_data()` checks them.
enum PrintkRingBuffer {
    /// Largest descriptor ring and text ring accepted (the kernel's `log_buf_len` tops out well below).
    static let maxCountBits: UInt32 = 24
    static let maxSizeBits: UInt32 = 31

    enum State: UInt64 {
        case reserved = 0, committed = 1, finalized = 2, reusable = 3
    }

    struct Layout {
        var ringSize, descRing, countBits, descs, infos, headId, tailId, textRing, sizeBits, data: Int
        var counter, descSize, stateVar, textLpos, lposBegin, lposNext: Int
        var infoSize, seq, tsNsec, textLen: Int
        var callerId: Int?

        init?(_ fields: inout VMCoreInfoFields) {
            let values = [
                fields.size("printk_ringbuffer"), fields.offset("printk_ringbuffer.desc_ring"),
                fields.offset("prb_desc_ring.count_bits"), fields.offset("prb_desc_ring.descs"),
                fields.offset("prb_desc_ring.infos"), fields.offset("prb_desc_ring.head_id"),
                fields.offset("prb_desc_ring.tail_id"), fields.offset("printk_ringbuffer.text_data_ring"),
                fields.offset("prb_data_ring.size_bits"), fields.offset("prb_data_ring.data"),
                fields.offset("atomic_long_t.counter"), fields.size("prb_desc"), fields.offset("prb_desc.state_var"),
                fields.offset("prb_desc.text_blk_lpos"), fields.offset("prb_data_blk_lpos.begin"),
                fields.offset("prb_data_blk_lpos.next"), fields.size("printk_info"), fields.offset("printk_info.seq"),
                fields.offset("printk_info.ts_nsec"), fields.offset("printk_info.text_len"),
            ]
            let known = values.compactMap { $0 }
            guard known.count == values.count else { return nil }
            (ringSize, descRing, countBits, descs, infos, headId, tailId, textRing, sizeBits, data) =
                (known[0], known[1], known[2], known[3], known[4], known[5], known[6], known[7], known[8], known[9])
            (counter, descSize, stateVar, textLpos, lposBegin, lposNext) =
                (known[10], known[11], known[12], known[13], known[14], known[15])
            (infoSize, seq, tsNsec, textLen) = (known[16], known[17], known[18], known[19])
            callerId = fields.optionalOffset("printk_info.caller_id")
        }
    }

    static func read(_ memory: KernelMemory, fields: VMCoreInfoFields, name: String) throws(KernelLogError)
        -> KernelLog
    {
        var fields = fields
        guard let layout = Layout(&fields) else {
            throw .missing(name, "VMCOREINFO has SYMBOL(prb) but lacks " + fields.missing.joined(separator: ", "))
        }
        do {
            return try walk(memory, layout: layout, prbSymbol: fields.symbol("prb")!, name: name)
        } catch let error as KernelLogError {
            throw error
        } catch let error as DumpError {
            throw .dump(error)
        } catch {
            throw .unreadable(name, "\(error)")
        }
    }

    private static func walk(_ memory: KernelMemory, layout: Layout, prbSymbol: UInt64, name: String) throws
        -> KernelLog
    {
        let wordSize = memory.wide ? 8 : 4
        guard layout.ringSize <= 4096, layout.descSize <= 4096, layout.infoSize <= 4096 else {
            throw KernelLogError.unreadable(name, "impossible printk_ringbuffer sizes in VMCOREINFO")
        }
        guard let prb = try memory.word(prbSymbol) else {
            throw KernelLogError.unreadable(name, "prb (at \(hex(prbSymbol))) is not in the dump")
        }
        guard let ringBytes = try memory.read(prb, count: layout.ringSize) else {
            throw KernelLogError.unreadable(name, "the printk_ringbuffer at \(hex(prb)) is not in the dump")
        }
        let ring = StructBytes(ringBytes, memory: memory)
        let desc = layout.descRing
        let text = layout.textRing
        guard let countBits = ring.u32(desc + layout.countBits), let descs = ring.word(desc + layout.descs),
            let infos = ring.word(desc + layout.infos), let headId = ring.word(desc + layout.headId + layout.counter),
            let tailId = ring.word(desc + layout.tailId + layout.counter),
            let sizeBits = ring.u32(text + layout.sizeBits), let data = ring.word(text + layout.data)
        else { throw KernelLogError.unreadable(name, "the printk_ringbuffer is shorter than its fields") }
        guard countBits <= maxCountBits, sizeBits <= maxSizeBits, sizeBits >= 3 else {
            throw KernelLogError.unreadable(
                name, "impossible ring sizes (count_bits \(countBits), size_bits \(sizeBits))")
        }
        let count = UInt64(1) << UInt64(countBits)
        let dataSize = UInt64(1) << UInt64(sizeBits)
        let stateShift = UInt64(wordSize * 8 - 2)
        let idMask = ~(UInt64(3) << stateShift) & (memory.wide ? UInt64.max : UInt64(UInt32.max))

        var log = KernelLog(layout: "printk_ringbuffer")
        // The kernel keeps head − tail below the ring's size; if the IDs say otherwise, read the last `count`.
        var id = tailId & idMask
        let head = headId & idMask
        if (head &- id) & idMask >= count {
            id = (head &- (count - 1)) & idMask
        }
        for _ in 0..<count {
            let index = id % count
            let outcome = try record(
                id: id, descAt: descs &+ index &* UInt64(layout.descSize),
                infoAt: infos &+ index &* UInt64(layout.infoSize), data: data, dataSize: dataSize,
                sizeBits: UInt64(sizeBits), stateShift: stateShift, idMask: idMask, wordSize: wordSize,
                layout: layout, memory: memory)
            switch outcome {
            case .record(let record): log.records.append(record)
            case .skipped: log.skipped += 1
            case .dataless, .absent: break
            }
            if id == head { break }
            id = (id &+ 1) & idMask
        }
        return log
    }

    enum Outcome {
        case record(KernelLogRecord)
        case skipped
        /// A record without text (makedumpfile prints nothing for it either).
        case dataless
        /// A reserved or reusable descriptor: no record there at the crash.
        case absent
    }

    private static func record(
        id: UInt64, descAt: UInt64, infoAt: UInt64, data: UInt64, dataSize: UInt64, sizeBits: UInt64,
        stateShift: UInt64, idMask: UInt64, wordSize: Int, layout: Layout, memory: KernelMemory
    ) throws(DumpError) -> Outcome {
        guard let descBytes = try memory.read(descAt, count: layout.descSize) else { return .skipped }
        let desc = StructBytes(descBytes, memory: memory)
        guard let stateVar = desc.word(layout.stateVar + layout.counter),
            let begin = desc.word(layout.textLpos + layout.lposBegin),
            let next = desc.word(layout.textLpos + layout.lposNext)
        else { return .skipped }
        guard stateVar & idMask == id else { return .skipped }
        // Reserved (being written at the crash) and reusable (the ring's initial placeholder, or given up)
        // descriptors are states the kernel's own reader passes over; not counted as damage.
        let state = State(rawValue: (stateVar >> stateShift) & 3)
        guard state == .committed || state == .finalized else { return .absent }
        // Data-less blocks (FAILED_LPOS, NO_LPOS: the low bit set) and empty ones carry no text.
        if begin & 1 != 0 || begin % dataSize == next % dataSize { return .dataless }
        // get_data(): a regular block lies within one wrap; a wrapping one has its data at the ring's start.
        let start: UInt64
        let blockSize: UInt64
        if begin >> sizeBits == next >> sizeBits && begin < next {
            start = begin % dataSize
            blockSize = next - begin
        } else if (begin &+ dataSize) >> sizeBits == next >> sizeBits {
            start = 0
            blockSize = next % dataSize
        } else {
            return .skipped
        }
        let align = UInt64(wordSize)
        guard begin % align == 0, next % align == 0, blockSize >= align, blockSize <= dataSize else { return .skipped }
        guard let infoBytes = try memory.read(infoAt, count: layout.infoSize) else { return .skipped }
        let info = StructBytes(infoBytes, memory: memory)
        guard let textLen = info.u16(layout.textLen), let timestamp = info.u64(layout.tsNsec) else { return .skipped }
        let length = min(UInt64(textLen), blockSize - align)
        guard let text = try memory.read(data &+ start &+ align, count: Int(length)) else { return .skipped }
        var record = KernelLogRecord(sequence: info.u64(layout.seq), timestamp: timestamp, text: text)
        // `u16 text_len; u8 facility; u8 flags:5, level:3; u32 caller_id;` since 5.10: facility and level
        // have no VMCOREINFO entry, and are read only where caller_id confirms that layout.
        if let callerId = layout.callerId {
            record.caller = info.u32(callerId)
            if callerId == layout.textLen + 4 {
                record.facility = info.u8(layout.textLen + 2).map(Int.init)
                record.level = info.level(layout.textLen + 3)
            }
        }
        return .record(record)
    }

    static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
}

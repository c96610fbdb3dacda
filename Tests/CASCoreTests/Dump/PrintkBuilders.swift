@testable import CASCore

/// Byte-level dumps holding a kernel log, laid out as the kernel's structures are (the offsets are those
/// VMCOREINFO of a 64-bit 6.1 kernel lists), placed in an ELF core's physical memory.
struct PrintkImage {
    /// One record to store.
    struct Entry {
        var timestamp: UInt64
        var text: String
        var level: UInt8 = 6
        var facility: UInt8 = 0
        var caller: UInt32 = 1
    }

    static let descsAt = 0x3000
    static let infosAt = 0x5000
    static let dataAt = 0x8000
    static let prbVariable = 0x1000
    static let ringAt = 0x2000
    static let pgdAt = 0xA000

    var memory: ByteBuilder
    let bigEndian: Bool
    /// Turns a physical address into the kernel virtual address the structures hold.
    let virtual: (UInt64) -> UInt64
    var countBits: Int = 4
    var sizeBits: Int = 10

    init(bigEndian: Bool, virtual: @escaping (UInt64) -> UInt64) {
        self.bigEndian = bigEndian
        self.virtual = virtual
        memory = ByteBuilder(bigEndian: bigEndian)
        memory.grow(to: 0x10000)
    }

    /// VMCOREINFO for the lockless ring buffer at ``prbVariable``.
    func ringInfo(release: String = "6.1.0-test", extra: String = "") -> String {
        """
        OSRELEASE=\(release)
        PAGESIZE=4096
        SYMBOL(prb)=\(String(virtual(UInt64(Self.prbVariable)), radix: 16))
        SIZE(printk_ringbuffer)=88
        OFFSET(printk_ringbuffer.desc_ring)=0
        OFFSET(printk_ringbuffer.text_data_ring)=48
        OFFSET(prb_desc_ring.count_bits)=0
        OFFSET(prb_desc_ring.descs)=8
        OFFSET(prb_desc_ring.infos)=16
        OFFSET(prb_desc_ring.head_id)=24
        OFFSET(prb_desc_ring.tail_id)=32
        SIZE(prb_desc)=24
        OFFSET(prb_desc.state_var)=0
        OFFSET(prb_desc.text_blk_lpos)=8
        SIZE(prb_data_blk_lpos)=16
        OFFSET(prb_data_blk_lpos.begin)=0
        OFFSET(prb_data_blk_lpos.next)=8
        SIZE(printk_info)=88
        OFFSET(printk_info.seq)=0
        OFFSET(printk_info.ts_nsec)=8
        OFFSET(printk_info.text_len)=16
        OFFSET(printk_info.caller_id)=20
        OFFSET(printk_info.dev_info)=24
        OFFSET(prb_data_ring.size_bits)=0
        OFFSET(prb_data_ring.data)=8
        OFFSET(atomic_long_t.counter)=0
        \(extra)
        """
    }

    /// Stores `entries` as the kernel's printk would, starting at descriptor ID `firstId` and text position
    /// `firstLpos`: older records are dropped (their descriptors made reusable) as the rings fill.
    /// Returns the records still in the ring, oldest first.
    mutating func writeRing(_ entries: [Entry], firstId: UInt64 = 0, firstLpos: UInt64 = 0) -> [Entry] {
        let count = UInt64(1) << UInt64(countBits)
        let size = UInt64(1) << UInt64(sizeBits)
        let idMask = ~(UInt64(3) << 62)
        var live: [(id: UInt64, begin: UInt64, next: UInt64, entry: Entry)] = []
        var lpos = firstLpos
        var id = firstId & idMask
        for (number, entry) in entries.enumerated() {
            let text = Array(entry.text.utf8)
            let blockSize = (8 + UInt64(text.count) + 7) & ~7
            let begin = lpos
            var next = begin + blockSize
            var at = begin % size
            if begin >> UInt64(sizeBits) != next >> UInt64(sizeBits) {
                next = (next >> UInt64(sizeBits)) << UInt64(sizeBits) + blockSize
                at = 0
            }
            while let oldest = live.first, live.count >= Int(count) || next - oldest.begin > size {
                setState(oldest.id, state: 3)
                live.removeFirst()
            }
            memory.put(id, width: 8, at: Self.dataAt + Int(at))
            memory.put(text, at: Self.dataAt + Int(at) + 8)
            let slot = Int(id % count)
            let desc = Self.descsAt + slot * 24
            memory.put(id | (2 << 62), width: 8, at: desc)
            memory.put(begin, width: 8, at: desc + 8)
            memory.put(next, width: 8, at: desc + 16)
            let info = Self.infosAt + slot * 88
            memory.put(UInt64(number), width: 8, at: info)
            memory.put(entry.timestamp, width: 8, at: info + 8)
            memory.put(UInt64(text.count), width: 2, at: info + 16)
            memory.put(UInt64(entry.facility), width: 1, at: info + 18)
            memory.put(UInt64(bigEndian ? entry.level : entry.level << 5), width: 1, at: info + 19)
            memory.put(UInt64(entry.caller), width: 4, at: info + 20)
            live.append((id, begin, next, entry))
            lpos = next
            id = (id + 1) & idMask
        }
        memory.put(virtual(UInt64(Self.ringAt)), width: 8, at: Self.prbVariable)
        memory.put(UInt64(countBits), width: 4, at: Self.ringAt)
        memory.put(virtual(UInt64(Self.descsAt)), width: 8, at: Self.ringAt + 8)
        memory.put(virtual(UInt64(Self.infosAt)), width: 8, at: Self.ringAt + 16)
        memory.put(live.last?.id ?? 0, width: 8, at: Self.ringAt + 24)
        memory.put(live.first?.id ?? 0, width: 8, at: Self.ringAt + 32)
        memory.put(UInt64(sizeBits), width: 4, at: Self.ringAt + 48)
        memory.put(virtual(UInt64(Self.dataAt)), width: 8, at: Self.ringAt + 56)
        return live.map(\.entry)
    }

    /// Rewrites the state of descriptor `id` (0 reserved, 1 committed, 2 finalized, 3 reusable).
    mutating func setState(_ id: UInt64, state: UInt64) {
        let desc = Self.descsAt + Int(id % (UInt64(1) << UInt64(countBits))) * 24
        memory.put(id | (state << 62), width: 8, at: desc)
    }

    /// The pre-5.10 buffer at ``dataAt`` (`log_buf_len` bytes) and its variables; `headerSize` 16 without
    /// caller IDs, 24 with. Records run from `first` (an offset) and wrap at the end with a zero-length header.
    mutating func writeLogBuffer(_ entries: [Entry], length: Int, first: Int, headerSize: Int) -> String {
        var index = first
        for entry in entries {
            let text = Array(entry.text.utf8)
            let len = (headerSize + text.count + 7) & ~7
            if index + len + headerSize > length {
                memory.put(0, width: 2, at: Self.dataAt + index + 8)
                index = 0
            }
            let at = Self.dataAt + index
            memory.put(entry.timestamp, width: 8, at: at)
            memory.put(UInt64(len), width: 2, at: at + 8)
            memory.put(UInt64(text.count), width: 2, at: at + 10)
            memory.put(0, width: 2, at: at + 12)
            memory.put(UInt64(entry.facility), width: 1, at: at + 14)
            memory.put(UInt64(bigEndian ? entry.level : entry.level << 5), width: 1, at: at + 15)
            if headerSize >= 24 { memory.put(UInt64(entry.caller), width: 4, at: at + 16) }
            memory.put(text, at: at + headerSize)
            index += len
        }
        let variables = 0x1000
        memory.put(virtual(UInt64(Self.dataAt)), width: 8, at: variables)
        memory.put(UInt64(length), width: 4, at: variables + 8)
        memory.put(UInt64(first), width: 4, at: variables + 12)
        memory.put(UInt64(index), width: 4, at: variables + 16)
        func symbol(_ offset: Int) -> String { String(virtual(UInt64(variables + offset)), radix: 16) }
        return """
            OSRELEASE=4.18.0-test
            PAGESIZE=4096
            SYMBOL(log_buf)=\(symbol(0))
            SYMBOL(log_buf_len)=\(symbol(8))
            SYMBOL(log_first_idx)=\(symbol(12))
            SYMBOL(log_next_idx)=\(symbol(16))
            SIZE(printk_log)=\(headerSize)
            OFFSET(printk_log.ts_nsec)=0
            OFFSET(printk_log.len)=8
            OFFSET(printk_log.text_len)=10

            """
    }

    /// An ELF core of this memory at physical address 0 (virtual addresses left 0, as QEMU writes them).
    func elf(info: String, machine: UInt16) -> [UInt8] {
        DumpBuilders.elfCore(
            wide: true, bigEndian: bigEndian, machine: machine,
            notes: [(name: "VMCOREINFO", type: 0, desc: Array(info.utf8))],
            loads: [(vaddr: 0, paddr: 0, data: memory.bytes)])
    }

    /// The lines `makedumpfile --dump-dmesg` prints for `entries`.
    static func lines(_ entries: [Entry]) -> String {
        entries.map { KernelLogRecord(timestamp: $0.timestamp, text: Array($0.text.utf8)).line + "\n" }.joined()
    }
}

import CASCore

extension FuzzTargets {
    /// The physical memory the `dmesg` target's inputs fill (the fixed VMCOREINFO points into it).
    static let dmesgMemory = 0x10000

    /// The kernel log reader. The first byte picks how the rest is used: 0, the whole dump (headers and
    /// all); 1, the memory of an x86_64 QEMU-style ELF whose VMCOREINFO describes a `printk_ringbuffer`
    /// (`prb` at physical 0x1000, page tables at 0xA000); 2, the same with the pre-5.10 `log_buf`
    /// variables at 0x1000. Modes 1 and 2 reach the walkers with every structure under the fuzzer's control.
    static func fuzzDmesg(_ bytes: [UInt8]) {
        guard let mode = bytes.first else { return }
        let rest = Array(bytes.dropFirst())
        let dump: [UInt8]
        switch mode % 3 {
        case 0: dump = rest
        case 1: dump = qemuELF(memory: rest, info: ringInfo)
        default: dump = qemuELF(memory: rest, info: logBufferInfo)
        }
        let source = MemoryByteSource(dump, knownSize: true)
        guard let identity = try? DumpIdentifier.identify(source, name: "fuzz", bufferSize: 1 << 16) else { return }
        do {
            let log = try KernelLogReader.read(source, name: "fuzz", identity: identity)
            precondition(log.skipped >= 0)
            for record in log.records.prefix(64) { precondition(!record.line.isEmpty) }
        } catch {
            precondition(!error.description.isEmpty)
        }
    }

    static let kernelMap: UInt64 = 0xffff_ffff_8000_0000

    static let ringInfo = """
        OSRELEASE=6.1.0-fuzz
        PAGESIZE=4096
        SYMBOL(prb)=ffffffff80001000
        SYMBOL(init_top_pgt)=ffffffff8000a000
        NUMBER(phys_base)=0
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
        OFFSET(prb_data_blk_lpos.begin)=0
        OFFSET(prb_data_blk_lpos.next)=8
        SIZE(printk_info)=88
        OFFSET(printk_info.seq)=0
        OFFSET(printk_info.ts_nsec)=8
        OFFSET(printk_info.text_len)=16
        OFFSET(printk_info.caller_id)=20
        OFFSET(prb_data_ring.size_bits)=0
        OFFSET(prb_data_ring.data)=8
        OFFSET(atomic_long_t.counter)=0

        """

    static let logBufferInfo = """
        OSRELEASE=4.18.0-fuzz
        PAGESIZE=4096
        SYMBOL(log_buf)=ffffffff80001000
        SYMBOL(log_buf_len)=ffffffff80001008
        SYMBOL(log_first_idx)=ffffffff8000100c
        SYMBOL(log_next_idx)=ffffffff80001010
        SIZE(printk_log)=24
        OFFSET(printk_log.ts_nsec)=0
        OFFSET(printk_log.len)=8
        OFFSET(printk_log.text_len)=10

        """

    /// A little-endian x86_64 ELF core: one PT_NOTE (VMCOREINFO `info`), one PT_LOAD of `memory` (padded
    /// to ``dmesgMemory``) at physical address 0 with no virtual address, as QEMU writes them.
    static func qemuELF(memory: [UInt8], info: String) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64 + 2 * 56)
        func put(_ value: UInt64, _ width: Int, at offset: Int) {
            for index in 0..<width { out[offset + index] = UInt8(truncatingIfNeeded: value >> UInt64(8 * index)) }
        }
        out.replaceSubrange(0..<8, with: [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])
        put(4, 2, at: 16)  // ET_CORE
        put(62, 2, at: 18)  // EM_X86_64
        put(1, 4, at: 20)
        put(64, 8, at: 32)  // e_phoff
        put(64, 2, at: 52)
        put(56, 2, at: 54)
        put(2, 2, at: 56)
        let name = Array("VMCOREINFO".utf8) + [0, 0]
        let desc = Array(info.utf8)
        var note = [UInt8](repeating: 0, count: 12)
        note[0] = UInt8(name.count - 1)
        note[4] = UInt8(truncatingIfNeeded: desc.count)
        note[5] = UInt8(truncatingIfNeeded: desc.count >> 8)
        note += name + desc + [UInt8](repeating: 0, count: (4 - desc.count % 4) % 4)
        let noteAt = out.count
        let loadAt = noteAt + note.count
        put(4, 4, at: 64)  // PT_NOTE
        put(UInt64(noteAt), 8, at: 64 + 8)
        put(UInt64(note.count), 8, at: 64 + 32)
        put(UInt64(note.count), 8, at: 64 + 40)
        put(1, 4, at: 120)  // PT_LOAD
        put(UInt64(loadAt), 8, at: 120 + 8)
        put(UInt64(dmesgMemory), 8, at: 120 + 32)
        put(UInt64(dmesgMemory), 8, at: 120 + 40)
        out += note
        out += memory.prefix(dmesgMemory) + [UInt8](repeating: 0, count: max(0, dmesgMemory - memory.count))
        return out
    }
}

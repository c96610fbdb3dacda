/// Reads the kernel log out of a dump's memory, the way `makedumpfile --dump-dmesg` does: located through
/// VMCOREINFO (`SYMBOL(prb)` for the lockless ring buffer of 5.10 and later, else `SYMBOL(log_buf)` for the
/// variable-length records of 3.5 to 5.9), read at kernel virtual addresses through ``KernelMemory``.
///
/// Every walk is bounded by the buffer's own size, every length is checked against the block it lies in,
/// and a record that does not parse is counted in ``KernelLog/skipped`` rather than ending the walk.
public enum KernelLogReader {
    /// The kernel log of the dump `source` holds, identified as `identity`.
    public static func read(_ source: any ByteSource, name: String, identity: KernelIdentity) throws(KernelLogError)
        -> KernelLog
    {
        let memory: KernelMemory
        do { memory = try KernelMemory.open(source, name: name, identity: identity) } catch { throw .dump(error) }
        return try read(memory, name: name)
    }

    static func read(_ memory: KernelMemory, name: String) throws(KernelLogError) -> KernelLog {
        let fields = VMCoreInfoFields(info: memory.identity.vmcoreinfo)
        if fields.symbol("prb") != nil { return try PrintkRingBuffer.read(memory, fields: fields, name: name) }
        if fields.symbol("log_buf") != nil { return try PrintkLogBuffer.read(memory, fields: fields, name: name) }
        if memory.identity.vmcoreinfo.isEmpty {
            throw .missing(name, "the dump carries no VMCOREINFO")
        }
        throw .missing(name, "VMCOREINFO has no SYMBOL(prb) or SYMBOL(log_buf)")
    }
}

/// Typed access to VMCOREINFO's `SYMBOL(…)`, `OFFSET(…)` and `SIZE(…)` lines, collecting the names of
/// those asked for and missing so the error can list them all.
struct VMCoreInfoFields {
    let info: [String: String]
    private(set) var missing: [String] = []

    init(info: [String: String]) { self.info = info }

    func symbol(_ name: String) -> UInt64? { info["SYMBOL(\(name))"].flatMap { UInt64($0, radix: 16) } }

    /// A non-negative `OFFSET(…)` or `SIZE(…)` value below 64 KiB, or nil (noted as missing).
    mutating func value(_ key: String) -> Int? {
        guard let value = info[key].flatMap({ Int($0) }), value >= 0, value < 1 << 16 else {
            missing.append(key)
            return nil
        }
        return value
    }

    mutating func offset(_ field: String) -> Int? { value("OFFSET(\(field))") }
    mutating func size(_ type: String) -> Int? { value("SIZE(\(type))") }
    func optionalOffset(_ field: String) -> Int? {
        info["OFFSET(\(field))"].flatMap { Int($0) }.flatMap { $0 >= 0 && $0 < 1 << 16 ? $0 : nil }
    }
}

/// Bounded reads of a structure's fields once its bytes are in hand.
struct StructBytes {
    let bytes: HeaderBytes
    let wide: Bool

    init(_ bytes: [UInt8], memory: KernelMemory) {
        self.bytes = HeaderBytes(bytes, order: memory.order)
        wide = memory.wide
    }

    func word(_ offset: Int) -> UInt64? { bytes.word(offset, wide: wide) }
    func u64(_ offset: Int) -> UInt64? { bytes.u64(offset) }
    func u32(_ offset: Int) -> UInt32? { bytes.u32(offset) }
    func u16(_ offset: Int) -> UInt16? { bytes.u16(offset) }
    func u8(_ offset: Int) -> UInt8? { bytes.u8(offset) }

    /// The `u8 flags:5, level:3` byte's level: the high bits on little-endian machines, the low on big.
    func level(_ offset: Int) -> Int? {
        guard let byte = u8(offset) else { return nil }
        return Int(bytes.order == .little ? byte >> 5 : byte & 7)
    }
}

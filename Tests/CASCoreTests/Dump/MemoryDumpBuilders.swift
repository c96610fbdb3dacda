import CASTestSupport
import Foundation

@testable import CASCore

/// Memory images and the dumps holding them, built from the specifications: the kernel's VMCOREINFO note
/// (kernel/vmcore_info.c: Elf_Nhdr, "VMCOREINFO\0" padded to 12, text), the s390 lowcore's `vmcore_info` at
/// 0x0e0c (arch/s390/include/asm/lowcore.h), and makedumpfile's kdump layout (IMPLEMENTATION: header,
/// sub-header, 1st and 2nd bitmap, one page_desc_t per dumped page, page data).
enum MemoryDumpBuilders {
    /// The kernel's VMCOREINFO note in `order`: namesz 11, descsz, type 0, the name padded to 12, the text.
    static func note(_ text: String, bigEndian: Bool, name: String = "VMCOREINFO", type: UInt64 = 0) -> [UInt8] {
        var b = ByteBuilder(bigEndian: bigEndian)
        let nameBytes = Array(name.utf8) + [0]
        let desc = Array(text.utf8)
        b.put(UInt64(nameBytes.count), width: 4, at: 0)
        b.put(UInt64(desc.count), width: 4, at: 4)
        b.put(type, width: 4, at: 8)
        b.put(nameBytes, at: 12)
        let descAt = 12 + (nameBytes.count + 3) & ~3
        b.put(desc, at: descAt)
        b.grow(to: descAt + (desc.count + 3) & ~3)
        return b.bytes
    }

    /// A kernel utsname (`struct new_utsname`, six 65-byte fields) as `init_uts_ns.name` holds it.
    static func utsname(_ fields: [String]) -> [UInt8] {
        var b = ByteBuilder()
        for (index, field) in fields.enumerated() { b.put(field, at: index * 65) }
        b.grow(to: 6 * 65)
        return b.bytes
    }

    /// `size` bytes of memory with `pieces` placed at their physical addresses.
    static func memory(size: Int, _ pieces: [(at: Int, bytes: [UInt8])]) -> [UInt8] {
        var b = ByteBuilder()
        b.grow(to: size)
        for piece in pieces { b.put(piece.bytes, at: piece.at) }
        return b.bytes
    }

    /// An s390x memory image: the lowcore at 0 pointing (big-endian, at 0x0e0c) to the note at `noteAt`,
    /// and `init_uts_ns.name` at `utsAt` (named by `SYMBOL(init_uts_ns)` in the note's text).
    static func s390xMemory(release: String, noteAt: Int = 0x5000, utsAt: Int = 0x3000, size: Int = 0x8000)
        -> (memory: [UInt8], text: String)
    {
        let text = """
            OSRELEASE=\(release)
            BUILD-ID=5e1f00dd0123456789abcdef0123456789abcdef
            PAGESIZE=4096
            SYMBOL(init_uts_ns)=\(String(utsAt, radix: 16))
            SYMBOL(lowcore_ptr)=1be0f48
            SYMBOL(high_memory)=1c01e40
            LENGTH(lowcore_ptr)=512
            KERNELOFFSET=0

            """
        var pointer = ByteBuilder(bigEndian: true)
        pointer.put(UInt64(noteAt), width: 8, at: 0)
        let memory = memory(size: size, [
            (0x0e0c, pointer.bytes),
            (utsAt, utsname(["Linux", "zhost", release, "#1 SMP Tue Feb 6 2024", "s390x", "(none)"])),
            (noteAt, note(text, bigEndian: true)),
        ])
        return (memory, text)
    }

    /// A page as makedumpfile stores it: compressed with `codec` ("zlib", "lzo", "snappy", "zstd"; the real
    /// libraries) when that is smaller, else raw; returns the bytes and the page_desc_t flags.
    static func stored(_ page: [UInt8], codec: String) throws -> (bytes: [UInt8], flags: UInt32) {
        let compressed = try PageCompressor.compress(page, codec: codec)
        guard compressed.count < page.count else { return (page, 0) }
        let flags: UInt32 = ["zlib": 0x1, "lzo": 0x2, "snappy": 0x4, "zstd": 0x20][codec] ?? 0
        return (compressed, flags)
    }

    /// A kdump-compressed file of `memory` (pages of `blockSize`; all-zero pages share one stored zero page,
    /// as makedumpfile writes them), each page compressed with `codec`; no VMCOREINFO in the sub-header
    /// unless `vmcoreinfo` is given.
    static func kdump(
        memory: [UInt8], machine: String, bigEndian: Bool, blockSize: Int = 4096, codec: String,
        vmcoreinfo: String? = nil
    ) throws -> [UInt8] {
        var pages: [Int: [UInt8]] = [:]
        for start in stride(from: 0, to: memory.count, by: blockSize) {
            let page = Array(memory[start..<min(memory.count, start + blockSize)])
            if page.contains(where: { $0 != 0 }) { pages[start / blockSize] = page }
        }
        return try kdump(
            frames: (memory.count + blockSize - 1) / blockSize, pages: pages, machine: machine, bigEndian: bigEndian,
            blockSize: blockSize, codec: codec, vmcoreinfo: vmcoreinfo)
    }

    /// The same from the non-zero `pages` of `frames` frames (the others are zero), `excluded` not dumped.
    static func kdump(
        frames: Int, pages: [Int: [UInt8]], machine: String, bigEndian: Bool, blockSize: Int = 4096, codec: String,
        vmcoreinfo: String? = nil, excluded: Set<Int> = []
    ) throws -> [UInt8] {
        let bitmapBytes = (frames + 7) / 8
        let bitmapBlocks = (bitmapBytes + blockSize - 1) / blockSize
        var b = ByteBuilder(bigEndian: bigEndian)
        b.put("KDUMP   ", at: 0)
        b.put(6, width: 4, at: 8)
        for (index, field) in ["Linux", "", "", "", machine, ""].enumerated() { b.put(field, at: 12 + index * 65) }
        let statusFlag: UInt64 = ["zlib": 0x1, "lzo": 0x2, "snappy": 0x4, "zstd": 0x20][codec] ?? 0
        b.put(statusFlag, width: 4, at: 424)
        b.put(UInt64(blockSize), width: 4, at: 428)
        b.put(2, width: 4, at: 432)  // sub_hdr_size: the sub-header block and a VMCOREINFO block
        b.put(UInt64(2 * bitmapBlocks), width: 4, at: 436)
        b.put(UInt64(frames), width: 4, at: 440)
        b.put(1, width: 4, at: 460)
        let sub = blockSize
        b.put(31, width: 4, at: sub + 8)
        if let vmcoreinfo {
            b.put(UInt64(2 * blockSize), width: 8, at: sub + 32)
            b.put(UInt64(vmcoreinfo.utf8.count), width: 8, at: sub + 40)
            b.put(vmcoreinfo, at: 2 * blockSize)
        }
        b.put(UInt64(frames), width: 8, at: sub + 96)
        let bitmapAt = 3 * blockSize
        let dumpableAt = bitmapAt + bitmapBlocks * blockSize
        let dumped = (0..<frames).filter { !excluded.contains($0) }
        b.put([UInt8](repeating: 0xff, count: (frames + 7) / 8), at: bitmapAt)
        for pfn in dumped {
            let at = dumpableAt + pfn / 8
            b.grow(to: at + 1)
            b.bytes[at] |= UInt8(1 << (pfn % 8))
        }
        let descriptorsAt = dumpableAt + bitmapBlocks * blockSize
        var dataAt = descriptorsAt + dumped.count * 24
        let zero = try stored([UInt8](repeating: 0, count: blockSize), codec: codec)
        let zeroAt = dataAt
        b.put(zero.bytes, at: zeroAt)
        dataAt += zero.bytes.count
        for (position, pfn) in dumped.enumerated() {
            let descriptor = descriptorsAt + position * 24
            guard var page = pages[pfn] else {
                b.put(UInt64(zeroAt), width: 8, at: descriptor)
                b.put(UInt64(zero.bytes.count), width: 4, at: descriptor + 8)
                b.put(UInt64(zero.flags), width: 4, at: descriptor + 12)
                continue
            }
            page += [UInt8](repeating: 0, count: max(0, blockSize - page.count))
            let data = try stored(page, codec: codec)
            b.put(UInt64(dataAt), width: 8, at: descriptor)
            b.put(UInt64(data.bytes.count), width: 4, at: descriptor + 8)
            b.put(UInt64(data.flags), width: 4, at: descriptor + 12)
            b.put(data.bytes, at: dataAt)
            dataAt += data.bytes.count
        }
        b.grow(to: dataAt)
        return b.bytes
    }
}

/// Page compression with the real libraries (zlib, liblzo2, libsnappy, libzstd), loaded with dlopen as
/// CAS loads its decompressors, so the tests compress exactly as makedumpfile does.
enum PageCompressor {
    static func compress(_ page: [UInt8], codec: String) throws -> [UInt8] {
        switch codec {
        case "zlib":
            typealias Compress2 = @convention(c) (
                UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?, UnsafePointer<UInt8>?, UInt, Int32
            ) -> Int32
            let compress2 = try symbol("libz.so.1", "compress2", as: Compress2.self)
            var length = UInt(page.count + page.count / 1000 + 64)
            var out = [UInt8](repeating: 0, count: Int(length))
            guard compress2(&out, &length, page, UInt(page.count), 1) == 0 else { throw TestFailure("zlib") }
            return Array(out.prefix(Int(length)))
        case "lzo":
            typealias Compress = @convention(c) (
                UnsafePointer<UInt8>?, UInt, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?,
                UnsafeMutableRawPointer?
            ) -> Int32
            let compress = try symbol("liblzo2.so.2", "lzo1x_1_compress", as: Compress.self)
            var length = UInt(page.count + page.count / 16 + 64 + 3)
            var out = [UInt8](repeating: 0, count: Int(length))
            var work = [UInt8](repeating: 0, count: 16384 * 8)  // LZO1X_1_MEM_COMPRESS
            let status = work.withUnsafeMutableBytes { compress(page, UInt(page.count), &out, &length, $0.baseAddress) }
            guard status == 0 else { throw TestFailure("lzo \(status)") }
            return Array(out.prefix(Int(length)))
        case "snappy":
            typealias Compress = @convention(c) (
                UnsafePointer<CChar>?, Int, UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<Int>?
            ) -> Int32
            let compress = try symbol("libsnappy.so.1", "snappy_compress", as: Compress.self)
            var length = 32 + page.count + page.count / 6
            var out = [CChar](repeating: 0, count: length)
            let input = page.map { CChar(bitPattern: $0) }
            guard compress(input, input.count, &out, &length) == 0 else { throw TestFailure("snappy") }
            return out.prefix(length).map { UInt8(bitPattern: $0) }
        case "zstd":
            typealias Compress = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeRawPointer?, Int, Int32) -> Int
            let compress = try symbol("libzstd.so.1", "ZSTD_compress", as: Compress.self)
            var out = [UInt8](repeating: 0, count: page.count + 1024)
            let capacity = out.count
            let length = out.withUnsafeMutableBytes { compress($0.baseAddress, capacity, page, page.count, 1) }
            guard length > 0, length <= capacity else { throw TestFailure("zstd") }
            return Array(out.prefix(length))
        default:
            return page
        }
    }

    private static func symbol<T>(_ library: String, _ name: String, as type: T.Type) throws -> T {
        guard let handle = dlopen(library, RTLD_NOW | RTLD_LOCAL), let pointer = dlsym(handle, name) else {
            throw TestFailure("\(library) \(name): \(String(cString: dlerror()))")
        }
        return unsafeBitCast(pointer, to: type)
    }
}

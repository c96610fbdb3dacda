import Foundation
import Testing

@testable import CASCore

/// The kernel log read from byte-level dumps laid out as the kernel lays out its printk buffers.
@Suite struct KernelLogReaderTests {
    static let s390: UInt16 = 22
    static let x86: UInt16 = 62
    static let kernelMap: UInt64 = 0xffff_ffff_8000_0000
    static let directMap: UInt64 = 0xffff_8880_0000_0000

    static let entries: [PrintkImage.Entry] = [
        .init(timestamp: 0, text: "Linux version 6.1.0-test", level: 5),
        .init(timestamp: 3_372_916_123, text: "first line\nsecond line", level: 4, facility: 0, caller: 0x8000_0001),
        .init(timestamp: 12_000_001_000, text: "tab\there, escape \u{1b}[31m, bell \u{07}", level: 3, caller: 123),
        .init(timestamp: 123_456_789_012_345, text: "Kernel panic - not syncing: test", level: 0),
    ]

    func read(_ bytes: [UInt8]) throws -> KernelLog {
        let identity = try identifyBytes(bytes)
        return try KernelLogReader.read(MemoryByteSource(bytes, knownSize: true), name: "test", identity: identity)
    }

    @Test func lineFormatMatchesMakedumpfile() {
        let record = KernelLogRecord(timestamp: 3_372_916_999, text: Array("a\nb\u{1b}\tc\u{ff}".utf8))
        #expect(record.line == "[    3.372916] a\n               b\\x1b\tc\\xc3\\xbf")
        #expect(KernelLogRecord.timestampPrefix(123_456_789_000_000_000) == "[123456789.000000] ")
        #expect(KernelLogRecord(timestamp: 0, caller: 0x8000_0002, text: []).callerText == "C2")
        #expect(KernelLogRecord(timestamp: 0, caller: 77, text: []).callerText == "T77")
    }

    /// Big-endian s390x (identity map): every field, level and caller, multi-line text, escapes.
    @Test func bigEndianRing() throws {
        var image = PrintkImage(bigEndian: true) { $0 }
        let kept = image.writeRing(Self.entries)
        let log = try read(image.elf(info: image.ringInfo(), machine: Self.s390))
        #expect(log.layout == "printk_ringbuffer")
        #expect(log.skipped == 0)
        #expect(log.text == PrintkImage.lines(kept))
        #expect(log.records.map(\.level) == [5, 4, 3, 0])
        #expect(log.records.map(\.callerText) == ["T1", "C1", "T123", "T1"])
        #expect(log.records.map(\.sequence) == [0, 1, 2, 3])
        #expect(log.text.contains("[    3.372916] first line\n               second line\n"))
        #expect(log.text.contains("escape \\x1b[31m, bell \\x07"))
    }

    /// x86_64, QEMU-style ELF (physical addresses only): the ring in the kernel image and, as with
    /// `log_buf_len=`, in the direct map, reached by walking the page tables from init_top_pgt.
    @Test(arguments: [false, true])
    func littleEndianRing(directMap: Bool) throws {
        var image = PrintkImage(bigEndian: false) { physical in
            physical == UInt64(PrintkImage.prbVariable) || !directMap
                ? Self.kernelMap + physical : Self.directMap + physical
        }
        // init_top_pgt: PGD slot of the direct map → a PUD whose first entry maps 1 GiB at 0.
        let pud = PrintkImage.pgdAt + 0x1000
        image.memory.put(UInt64(pud) | 0x63, width: 8, at: PrintkImage.pgdAt + Int((Self.directMap >> 39) & 0x1ff) * 8)
        image.memory.put(0x0 | 0xe3, width: 8, at: pud)
        let kept = image.writeRing(Self.entries)
        let pgd = String(Self.kernelMap + UInt64(PrintkImage.pgdAt), radix: 16)
        let info = image.ringInfo(extra: "SYMBOL(init_top_pgt)=\(pgd)\nNUMBER(phys_base)=0\n")
        let log = try read(image.elf(info: info, machine: Self.x86))
        #expect(log.skipped == 0)
        #expect(log.text == PrintkImage.lines(kept))
        #expect(log.records.map(\.level) == [5, 4, 3, 0])
    }

    /// A ring that has wrapped several times: text blocks wrapping at the end of the data ring, descriptor
    /// IDs crossing the ID mask, old records dropped; exactly the surviving ones come out, in order.
    @Test func wrappedRing() throws {
        var image = PrintkImage(bigEndian: false) { Self.kernelMap + $0 }
        image.sizeBits = 9
        let many = (0..<100).map {
            PrintkImage.Entry(timestamp: UInt64($0) * 1_000_000, text: "record \($0) " + String(repeating: "x", count: $0 % 61))
        }
        let kept = image.writeRing(many, firstId: ~(UInt64(3) << 62) - 20, firstLpos: 1000)
        #expect(kept.count > 3 && kept.count < 16, "the text ring, not the descriptors, limits what is kept")
        let log = try read(image.elf(info: image.ringInfo(), machine: Self.x86))
        #expect(log.skipped == 0)
        #expect(log.text == PrintkImage.lines(kept))
        #expect(log.records.last.map { String(decoding: $0.text, as: UTF8.self) }?.hasPrefix("record 99") == true)
    }

    /// Reserved and reusable descriptors inside tail..head are passed over; impossible positions and a
    /// descriptor holding another ID are skipped and counted.
    @Test func corruptDescriptorsAreSkipped() throws {
        var image = PrintkImage(bigEndian: false) { Self.kernelMap + $0 }
        let kept = image.writeRing(Self.entries)
        image.setState(1, state: 0)
        image.setState(2, state: 3)
        // Descriptor 3's text positions two wraps apart.
        image.memory.put(UInt64(5 << 10), width: 8, at: PrintkImage.descsAt + 3 * 24 + 16)
        let log = try read(image.elf(info: image.ringInfo(), machine: Self.x86))
        #expect(log.skipped == 1)
        #expect(log.text == PrintkImage.lines([kept[0]]))
        image.setState(1, state: 2)
        image.setState(2, state: 2)
        image.memory.put(7 | (2 << 62), width: 8, at: PrintkImage.descsAt + 24)
        let other = try read(image.elf(info: image.ringInfo(), machine: Self.x86))
        #expect(other.skipped == 2)
        #expect(other.text == PrintkImage.lines([kept[0], kept[2]]))
    }

    /// Head and tail IDs further apart than the ring holds: at most one ring's worth is read, no hang.
    @Test func impossibleIdsAreBounded() throws {
        var image = PrintkImage(bigEndian: false) { Self.kernelMap + $0 }
        _ = image.writeRing(Self.entries)
        image.memory.put(0x1234_5678, width: 8, at: PrintkImage.ringAt + 24)
        let log = try read(image.elf(info: image.ringInfo(), machine: Self.x86))
        #expect(log.records.count + log.skipped <= 16)
    }

    /// The variable-length `log_buf` of 3.5 to 5.9, with and without caller IDs, wrapped at its end.
    @Test(arguments: [16, 24])
    func logBuffer(headerSize: Int) throws {
        var image = PrintkImage(bigEndian: false) { Self.kernelMap + $0 }
        let info = image.writeLogBuffer(Self.entries, length: 320, first: 160, headerSize: headerSize)
        let log = try read(image.elf(info: info, machine: Self.x86))
        #expect(log.layout == "log_buf")
        #expect(log.skipped == 0)
        #expect(log.text == PrintkImage.lines(Self.entries))
        #expect(log.records.map(\.level) == [5, 4, 3, 0])
        #expect(log.records.map(\.callerText) == (headerSize == 24 ? ["T1", "C1", "T123", "T1"] : [nil, nil, nil, nil]))
    }

    /// A 1 GiB `log_buf_len` with a few records: the walk stops at log_next_idx, not at its bound.
    @Test func largeLogBufferStopsAtTheNextIndex() throws {
        var image = PrintkImage(bigEndian: false) { Self.kernelMap + $0 }
        let info = image.writeLogBuffer(Self.entries, length: 1 << 30, first: 0, headerSize: 16)
        let clock = ContinuousClock()
        let start = clock.now
        let log = try read(image.elf(info: info, machine: Self.x86))
        #expect(log.text == PrintkImage.lines(Self.entries))
        #expect(clock.now - start < .seconds(2))
    }

    @Test func bigEndianLogBuffer() throws {
        var image = PrintkImage(bigEndian: true) { $0 }
        let info = image.writeLogBuffer(Self.entries, length: 512, first: 0, headerSize: 24)
        let log = try read(image.elf(info: info, machine: Self.s390))
        #expect(log.text == PrintkImage.lines(Self.entries))
        #expect(log.records.map(\.level) == [5, 4, 3, 0])
    }

    /// A record length that runs off the buffer ends the walk with what parsed before it.
    @Test func corruptLogBufferRecord() throws {
        var image = PrintkImage(bigEndian: false) { Self.kernelMap + $0 }
        let info = image.writeLogBuffer(Self.entries, length: 512, first: 0, headerSize: 16)
        let second = (16 + Self.entries[0].text.utf8.count + 7) & ~7
        image.memory.put(0xfff0, width: 2, at: PrintkImage.dataAt + second + 8)
        let log = try read(image.elf(info: info, machine: Self.x86))
        #expect(log.records.count == 1)
        #expect(log.skipped == 1)
    }

    /// A dump cut inside the text ring keeps the records whose text is still there.
    @Test func truncatedDump() throws {
        var image = PrintkImage(bigEndian: false) { Self.kernelMap + $0 }
        _ = image.writeRing(Self.entries)
        let whole = image.elf(info: image.ringInfo(), machine: Self.x86)
        let cut = Array(whole.prefix(whole.count - 0x10000 + PrintkImage.dataAt + 50))
        let log = try read(cut)
        #expect(log.records.count + log.skipped == Self.entries.count)
        #expect(log.skipped > 0)
        // Cut before the ring buffer itself: a clear error, not a crash.
        let early = Array(whole.prefix(whole.count - 0x10000 + PrintkImage.ringAt))
        #expect(throws: KernelLogError.self) { try read(early) }
    }

    @Test func missingSymbolsAreNamed() throws {
        var image = PrintkImage(bigEndian: false) { Self.kernelMap + $0 }
        _ = image.writeRing(Self.entries)
        let none = image.elf(info: "OSRELEASE=6.1.0-test\nPAGESIZE=4096\n", machine: Self.x86)
        #expect {
            try read(none)
        } throws: { error in
            "\(error)".contains("VMCOREINFO has no SYMBOL(prb) or SYMBOL(log_buf)")
        }
        let partial = image.ringInfo().replacingOccurrences(of: "OFFSET(prb_desc_ring.infos)=16\n", with: "")
        #expect {
            try read(image.elf(info: partial, machine: Self.x86))
        } throws: { error in
            "\(error)".contains("lacks OFFSET(prb_desc_ring.infos)")
        }
    }
}

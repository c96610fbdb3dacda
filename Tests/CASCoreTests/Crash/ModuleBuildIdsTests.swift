import Foundation
import Testing

@testable import CASCore

/// The `-m` probe: its crash input, and the build IDs read back from gdb's answers (bytes laid out per the
/// ELF note format here, in gdb's `x/Nxb` and `p/x` output forms).
@Suite struct ModuleBuildIdsTests {
    static let id = "00112233445566778899aabbccddeeff01234567"

    /// An ELF note: namesz, descsz, type, name padded to 4, desc padded to 4.
    static func note(name: String, type: UInt32, desc: [UInt8], bigEndian: Bool = false) -> [UInt8] {
        func word(_ v: UInt32) -> [UInt8] {
            let le = [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)]
            return bigEndian ? le.reversed() : le
        }
        var name = Array(name.utf8) + [0]
        let namesz = UInt32(name.count)
        while name.count % 4 != 0 { name.append(0) }
        var desc = desc
        let descsz = UInt32(desc.count)
        while desc.count % 4 != 0 { desc.append(0) }
        return word(namesz) + word(descsz) + word(type) + name + desc
    }

    static func bytes(_ hex: String) -> [UInt8] {
        stride(from: 0, to: hex.count, by: 2).map {
            let start = hex.index(hex.startIndex, offsetBy: $0)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
    }

    /// `bytes` as gdb's `x/Nxb` prints them from `address`, 8 a line, with a symbol on each line.
    static func x(_ bytes: [UInt8], at address: UInt64) -> String {
        stride(from: 0, to: bytes.count, by: 8).map { offset in
            let line = bytes[offset..<min(offset + 8, bytes.count)].map { String(format: "0x%02x", $0) }
            return String(format: "0x%llx <sym+%d>:\t", address + UInt64(offset), offset) + line.joined(separator: "\t")
        }.joined(separator: "\n")
    }

    static let table = """
             MODULE       NAME          BASE         SIZE  OBJECT FILE
        ffffffffa0002180  faulty  ffffffffa0000000  16384  (not loaded)  [CONFIG_KALLSYMS]
        ffffffffc0a1b000  bad;name  ffffffffc09f0000  184320  (not loaded)

        """

    @Test func modulesComeWithTheirStructAddressAndPlainNamesOnly() {
        #expect(ModuleBuildIds.modules(inTable: Self.table) == [.init(name: "faulty", address: "ffffffffa0002180")])
    }

    @Test func probeAsksEachWayForEachModule() {
        let text = ModuleBuildIds.probeInput([.init(name: "faulty", address: "ffffffffa0002180")])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "gdb echo cas-module ffffffffa0002180\\n")
        #expect(lines.contains("gdb x/20xb ((struct module *)0xffffffffa0002180)->build_id"))
        #expect(lines.contains("gdb p/x ((struct module *)0xffffffffa0002180)->notes_attrs->notes"))
        #expect(lines.contains("gdb x/80xb ((struct module *)0xffffffffa0002180)->notes_attrs->attrs[3].private"))
        #expect(lines.contains("gdb x/256xb ((struct module *)0xffffffffa0002180)->mem[MOD_RODATA].base"))
        #expect(lines.last == "exit")
    }

    /// The answers of a 6.1 kernel without CONFIG_STACKTRACE_BUILD_ID: the build ID from the notes.
    @Test func buildIdFromTheNoteSections() {
        let linux = Self.note(name: "Linux", type: 0x100, desc: [0, 0, 0, 0])
        let gnu = Self.note(name: "GNU", type: 3, desc: Self.bytes(Self.id))
        let output = """
            cas-module ffffffffa0002180
            cas-probe struct
            gdb: gdb request failed: x/20xb ((struct module *)0xffffffffa0002180)->build_id
            cas-probe notes
            $1 = 0x2
            cas-probe note-size 0
            $2 = 0x\(String(linux.count, radix: 16))
            cas-probe note 0
            \(Self.x(linux + gnu, at: 0xffff_ffff_a000_1000))
            cas-probe note-size 1
            $3 = 0x\(String(gnu.count, radix: 16))
            cas-probe note 1
            \(Self.x(gnu + [1, 2, 3, 4], at: 0xffff_ffff_a000_1000 + UInt64(linux.count)))
            cas-probe note-size 2
            $4 = 0x0
            cas-probe note 2
            0x0:\tgdb: invalid kernel virtual address: 38  type: "mm_struct pgd"
            cas-probe rodata
            gdb: gdb request failed: x/256xb ((struct module *)0xffffffffa0002180)->mem[MOD_RODATA].base
            """
        // note 0 is `.note.Linux` (its size stops the walk before the GNU note read past it).
        let found = ModuleBuildIds.parse(output)
        #expect(found["ffffffffa0002180"] == .init(buildId: Self.id, via: "notes"))
    }

    @Test func buildIdFromReadOnlyDataInEitherByteOrder() {
        for bigEndian in [false, true] {
            let data: [UInt8] = [0xde, 0xad, 0xbe, 0xef, 4, 0, 0, 0]
                + Self.note(name: "GNU", type: 3, desc: Self.bytes(Self.id), bigEndian: bigEndian) + [0x48, 0x65]
            let output = """
                cas-module ffffffffc0a1b000
                cas-probe notes
                gdb: gdb request failed: p/x ((struct module *)0xffffffffc0a1b000)->notes_attrs->notes
                cas-probe rodata
                \(Self.x(data, at: 0xffff_ffff_c09f_4000))
                """
            #expect(ModuleBuildIds.parse(output)["ffffffffc0a1b000"] == .init(buildId: Self.id, via: "rodata"))
        }
    }

    /// CONFIG_STACKTRACE_BUILD_ID: `build_id` is BUILD_ID_SIZE_MAX bytes; a shorter ID is zero-padded there,
    /// and the exact one from the notes is kept.
    @Test func buildIdFromStructModuleAndItsPadding() {
        let whole = Self.x(Self.bytes(Self.id), at: 0xffff_ffff_a000_2200)
        #expect(
            ModuleBuildIds.parse("cas-module a\ncas-probe struct\n\(whole)\n")["a"]
                == .init(buildId: Self.id, via: "struct module"))
        let short = Array(Self.bytes(Self.id).prefix(16))
        let padded = Self.x(short + [0, 0, 0, 0], at: 0xffff_ffff_a000_2200)
        let rodata = Self.x(Self.note(name: "GNU", type: 3, desc: short), at: 0xffff_ffff_a000_1000)
        let output = "cas-module a\ncas-probe struct\n\(padded)\ncas-probe rodata\n\(rodata)\n"
        #expect(ModuleBuildIds.parse(output)["a"] == .init(buildId: String(Self.id.prefix(32)), via: "rodata"))
    }

    @Test func refusesWhatIsNotAWholeNote() {
        let gnu = Self.note(name: "GNU", type: 3, desc: Self.bytes(Self.id))
        // Cut short (memory unreadable after 24 bytes), another type, another name, lines that do not follow.
        let cut = Self.x(Array(gnu.prefix(24)), at: 0x1000) + "\nCannot access memory at address 0x1018"
        let otherType = Self.x(Self.note(name: "GNU", type: 5, desc: Self.bytes(Self.id)), at: 0x1000)
        let otherName = Self.x(Self.note(name: "GNV", type: 3, desc: Self.bytes(Self.id)), at: 0x1000)
        let gap = Self.x(Array(gnu.prefix(16)), at: 0x1000) + "\n" + Self.x(Array(gnu.dropFirst(16)), at: 0x1020)
        let forged = Self.x(gnu, at: 0x1000).replacingOccurrences(of: "\t0x47", with: "\t0x47 0x00")
        for bytes in [cut, otherType, otherName, gap, forged] {
            let output = "cas-module a\ncas-probe rodata\n\(bytes)\n"
            #expect(ModuleBuildIds.parse(output)["a"]?.buildId == nil, "\(bytes)")
        }
    }
}

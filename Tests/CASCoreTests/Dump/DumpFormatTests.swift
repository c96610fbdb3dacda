import Testing

@testable import CASCore

@Suite struct DumpFormatTests {
    static func magic(_ value: UInt64, width: Int, bigEndian: Bool) -> [UInt8] {
        var b = ByteBuilder(bigEndian: bigEndian)
        b.put(value, width: width, at: 0)
        b.grow(to: 64)
        return b.bytes
    }

    @Test func sniffsSupportedFormats() {
        #expect(DumpFormat.sniff(Array("KDUMP   ".utf8) + [6, 0, 0, 0]) == .kdumpCompressed)
        #expect(DumpFormat.sniff(Array("DISKDUMP".utf8)) == .diskdump)
        #expect(DumpFormat.sniff(Array("makedumpfile".utf8) + [0, 0, 0, 0, 0]) == .flattened)
        let core = DumpBuilders.elfCore(wide: true, bigEndian: false, machine: 62, notes: [])
        #expect(DumpFormat.sniff(core) == .elf)
        let bigCore = DumpBuilders.elfCore(wide: false, bigEndian: true, machine: 22, notes: [])
        #expect(DumpFormat.sniff(bigCore) == .elf)
    }

    @Test(arguments: [UInt16(1), 2, 3])
    func elfNonCoreIsTheVmlinuxMistake(_ type: UInt16) {
        let exe = DumpBuilders.elfCore(wide: true, bigEndian: false, machine: 62, type: type, notes: [])
        #expect(DumpFormat.sniff(exe) == .unsupported(DumpFormat.elfExecutableMessage))
        #expect(throws: DumpError.self) { try identifyBytes(exe) }
        do {
            _ = try identifyBytes(exe)
        } catch {
            guard case .notADump(_, let what) = error else {
                Issue.record("expected notADump, got \(error)")
                return
            }
            #expect(what.contains("vmlinux"))
        }
    }

    @Test func sniffsUnsupportedFormatsByMagic() {
        let cases: [([UInt8], String)] = [
            (Self.magic(0xa819_0173_618f_23ed, width: 8, bigEndian: false), "LKCD"),
            (Self.magic(0xa819_0173_618f_23ed, width: 8, bigEndian: true), "LKCD"),
            (Self.magic(0xa819_0173_618f_23fd, width: 8, bigEndian: true), "s390"),
            (Self.magic(0xa819_0173_618f_23fe, width: 8, bigEndian: true), "s390"),
            (Array("sadump".utf8) + [0, 0, 1, 0, 0, 0], "sadump"),
            (Self.magic(0xbed0_bed0, width: 4, bigEndian: false), "VMware"),
            (Self.magic(0xbad1_bad1, width: 4, bigEndian: false), "VMware"),
            (Self.magic(0xbed2_bed2, width: 4, bigEndian: false), "VMware"),
            (Self.magic(0xbed3_bed3, width: 4, bigEndian: false), "VMware"),
            (Self.magic(0xf00f_ebed, width: 4, bigEndian: false), "Xen"),
            (Self.magic(0xf00f_ebee, width: 4, bigEndian: false), "Xen"),
        ]
        for (bytes, name) in cases {
            let format = DumpFormat.sniff(bytes)
            guard case .unsupported(let text) = format else {
                Issue.record("\(name): sniffed \(String(describing: format))")
                continue
            }
            #expect(text.contains(name))
            do {
                _ = try identifyBytes(bytes)
                Issue.record("\(name) identified")
            } catch {
                guard case .unsupported(_, let what) = error else {
                    Issue.record("\(name): \(error)")
                    continue
                }
                #expect(what.contains(name))
                #expect(error.description.contains("recognised but not supported"))
            }
        }
        // Not one of crash's VMware magics.
        #expect(DumpFormat.sniff(Self.magic(0xbed1_bed1, width: 4, bigEndian: false)) == nil)
    }

    @Test func sadumpMediaBackupFormIsRecognisedByIdentify() {
        var b = ByteBuilder()
        b.put("sadump", at: 4096)
        b.grow(to: 8192)
        #expect(throws: DumpError.self) { try identifyBytes(b.bytes) }
        do { _ = try identifyBytes(b.bytes) } catch {
            #expect(error.description.contains("sadump"))
        }
    }

    @Test func notADump() {
        #expect(DumpFormat.sniff([]) == nil)
        #expect(DumpFormat.sniff(Array("KDUMP".utf8)) == nil)
        #expect(DumpFormat.sniff(Array("hello world, this is text".utf8)) == nil)
        #expect(DumpFormat.sniff([0x7f, 0x45, 0x4c, 0x46]) == nil, "ELF magic without a type is not a core yet")
        do {
            _ = try identifyBytes([])
            Issue.record("empty file identified")
        } catch {
            guard case .notADump(_, let what) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(what == "empty file")
        }
    }
}

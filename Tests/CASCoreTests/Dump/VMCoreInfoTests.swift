import Testing

@testable import CASCore

@Suite struct VMCoreInfoTests {
    @Test func keyValueLinesUpToTheFirstNUL() {
        let text = "OSRELEASE=6.1.0\nPAGESIZE=4096\nSYMBOL(init_uts_ns)=ffffffff82a1c420\n\0AFTER=nul\n"
        let map = VMCoreInfo.parse(Array(text.utf8))
        #expect(map == ["OSRELEASE": "6.1.0", "PAGESIZE": "4096", "SYMBOL(init_uts_ns)": "ffffffff82a1c420"])
    }

    @Test func crlfAndCRLineEndsSplitLines() {
        let map = VMCoreInfo.parse(Array("OSRELEASE=5.14.0\r\nPAGESIZE=65536\rCRASHTIME=1700000000".utf8))
        #expect(map == ["OSRELEASE": "5.14.0", "PAGESIZE": "65536", "CRASHTIME": "1700000000"])
    }

    @Test func valueKeepsLaterEqualsSignsAndEmptyValues() {
        let map = VMCoreInfo.parse(Array("KEY=a=b\nEMPTY=\n=novalue\nnoequals\n\n".utf8))
        #expect(map == ["KEY": "a=b", "EMPTY": ""], "a line without key or without '=' is skipped")
    }

    @Test func laterLineOfTheSameKeyWins() {
        #expect(VMCoreInfo.parse(Array("A=1\nA=2\n".utf8)) == ["A": "2"])
    }

    @Test func invalidUTF8IsRepairedNotFatal() {
        let map = VMCoreInfo.parse([0x41, 0x3D, 0xFF, 0x0A])
        #expect(map == ["A": "\u{FFFD}"])
    }
}

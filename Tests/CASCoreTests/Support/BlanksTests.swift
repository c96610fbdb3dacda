import Foundation
import Testing

@testable import CASCore

@Suite struct BlanksTests {
    @Test(arguments: [
        ("  x86_64\t", "x86_64"), ("s390x", "s390x"), (" \t ", ""), ("", ""), ("\u{00A0}ppc64le\u{2003}", "ppc64le"),
        (" #1 SMP  Wed ", "#1 SMP  Wed"), ("\nkeep\n", "\nkeep\n"),
    ])
    func trimsLikeFoundationsWhitespaces(input: String, expected: String) {
        #expect(input.trimmingBlanks() == expected)
        #expect(input.trimmingBlanks() == input.trimmingCharacters(in: .whitespaces))
    }
}

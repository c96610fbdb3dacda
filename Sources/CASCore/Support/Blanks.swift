extension StringProtocol {
    /// The text without leading and trailing blanks (space, tab and the other non-newline white space),
    /// what Foundation's `trimmingCharacters(in: .whitespaces)` returns, without its trip through
    /// NSString and UTF-16: on the header fields of a dump that trip cost a tenth of `cas identify`.
    func trimmingBlanks() -> String {
        func isBlank(_ c: Character) -> Bool { c == " " || c == "\t" || (c.isWhitespace && !c.isNewline) }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}

import Foundation

/// One output file's text, prepared for rules: split into lines once, with each line's UTF-16 offset,
/// so a rule scans the whole text in one regular-expression pass and looks only at the lines it hit.
final class OutputText {
    let text: String
    private let whole: NSString
    /// The text of every line, without its newline.
    let lines: [String]
    /// UTF-16 offset of the start of each line in ``text``.
    private let starts: [Int]

    init(_ text: String) {
        self.text = text
        whole = text as NSString
        lines = text.components(separatedBy: "\n")
        var offset = 0
        var starts: [Int] = []
        starts.reserveCapacity(lines.count)
        for line in lines {
            starts.append(offset)
            offset += line.utf16.count + 1
        }
        self.starts = starts
    }

    /// Indices of the lines touched by any match of `regex` in the whole text, in order.
    ///
    /// A superset of the lines on which the pattern matches line by line: a match of the pattern inside one
    /// line is also a match in the whole text (the regex is compiled with `anchorsMatchLines`).
    func candidateLines(_ regex: NSRegularExpression) -> [Int] {
        var hit = IndexSet()
        regex.enumerateMatches(in: text, options: [], range: NSRange(location: 0, length: whole.length)) { match, _, _ in
            guard let range = match?.range, range.location != NSNotFound else { return }
            let first = self.lineIndex(at: range.location)
            let last = self.lineIndex(at: max(range.location, range.location + range.length - 1))
            hit.insert(integersIn: first...last)
        }
        return Array(hit)
    }

    /// The index of the line holding UTF-16 offset `offset` (binary search over line starts).
    private func lineIndex(at offset: Int) -> Int {
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }
}

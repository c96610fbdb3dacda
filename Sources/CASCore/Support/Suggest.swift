/// Near-miss suggestions for misspelt names ("stmphost" → "smtphost").
public enum Suggest {
    /// The candidate closest to `word` (case-insensitive edit distance at most 2, or a transposition), if any.
    public static func nearest(_ word: String, in candidates: [String]) -> String? {
        let lower = Array(word.lowercased())
        let limit = max(1, min(2, word.count / 3))
        // The distance is at least the difference in length: longer or shorter names cannot be near.
        let scored = candidates.compactMap { candidate -> (String, Int)? in
            let other = Array(candidate.lowercased())
            guard abs(other.count - lower.count) <= limit else { return nil }
            return (candidate, distance(lower, other))
        }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= limit else { return nil }
        return best.0
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps.
    public static func distance(_ a: String, _ b: String) -> Int {
        distance(Array(a), Array(b))
    }

    /// The same over characters, with three rolling rows (no matrix).
    static func distance(_ x: [Character], _ y: [Character]) -> Int {
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var before = [Int](repeating: 0, count: y.count + 1)  // row i - 2
        var previous = Array(0...y.count)  // row i - 1
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    value = min(value, before[j - 2] + 1)
                }
                current[j] = value
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[y.count]
    }
}

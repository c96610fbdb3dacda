import Foundation

/// Human-readable byte counts in binary units ("31.2 GiB"), as support engineers read disk sizes.
public enum ByteCount {
    /// Formats `bytes` with one decimal for KiB and above.
    public static func format(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes)
        var unit = 0
        while abs(value) >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        return "\((value * 10).rounded() / 10) \(units[unit])"
    }

    /// Parses sizes such as `500G`, `64M`, `1.5T`, `4096` (bytes); nil when not a size.
    public static func parse(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        var digits = trimmed
        var multiplier: Double = 1
        let kib = 1024.0
        let suffixes: [(String, Double)] = [
            ("TIB", kib * kib * kib * kib), ("GIB", kib * kib * kib), ("MIB", kib * kib), ("KIB", kib),
            ("TB", kib * kib * kib * kib), ("GB", kib * kib * kib), ("MB", kib * kib), ("KB", kib),
            ("T", kib * kib * kib * kib), ("G", kib * kib * kib), ("M", kib * kib), ("K", kib), ("B", 1),
        ]
        for (suffix, factor) in suffixes where digits.uppercased().hasSuffix(suffix) {
            digits = String(digits.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
            multiplier = factor
            break
        }
        guard let number = Double(digits), number >= 0, number * multiplier < 9.2e18 else { return nil }
        return Int64(number * multiplier)
    }
}

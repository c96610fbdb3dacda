/// Validation of case identifiers (`cas -i ID`): one safe path component, checked before anything is written.
public enum CaseID {
    /// The longest ID accepted, in bytes.
    public static let maxBytes = 128

    /// Why `id` is refused, or nil when it is a valid ID.
    public static func problem(_ id: String) -> String? {
        if id.isEmpty { return "the ID is empty" }
        if id == "." || id == ".." { return "'\(id)' is not a usable directory name" }
        if id.utf8.count > maxBytes { return "the ID is \(id.utf8.count) bytes long; at most \(maxBytes) are allowed" }
        if let first = id.unicodeScalars.first, !isLetterOrDigit(first) {
            let shown = first.value < 0x20 || first.value == 0x7f ? String(format: "U+%04X", first.value) : "'\(first)'"
            return "the ID starts with \(shown); it must start with a letter or a digit"
        }
        if let bad = id.unicodeScalars.first(where: { !isAllowed($0) }) {
            let shown = bad.value < 0x20 || bad.value == 0x7f ? String(format: "U+%04X", bad.value) : "'\(bad)'"
            return "the ID '\(id.debugDescription.dropFirst().dropLast())' contains \(shown); use letters, digits, '.', '_' and '-'"
        }
        return nil
    }

    static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": true
        default: false
        }
    }

    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": true
        default: false
        }
    }
}

import Foundation

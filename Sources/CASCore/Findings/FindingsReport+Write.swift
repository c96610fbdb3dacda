import Foundation

extension FindingsReport {
    /// Writes `findings.txt` and merges `findings` (and `crashFacts`) into `job.json` in `jobDirectory`.
    ///
    /// job.json is read, its other keys kept, and replaced atomically (temporary file, then rename);
    /// it is created when absent.
    public func write(to jobDirectory: String) throws(FindingsError) {
        let textPath = jobDirectory + "/findings.txt"
        try Self.replace(textPath, with: Data(summary.utf8))
        let jsonPath = jobDirectory + "/job.json"
        var record: [String: Any] = [:]
        if let existing = FileManager.default.contents(atPath: jsonPath) {
            do {
                guard let object = try JSONSerialization.jsonObject(with: existing) as? [String: Any] else {
                    throw FindingsError.badJobRecord(path: jsonPath, reason: "not an object")
                }
                record = object
            } catch let error as FindingsError {
                throw error
            } catch {
                throw .badJobRecord(path: jsonPath, reason: "invalid JSON")
            }
        }
        do {
            let encoder = JSONEncoder()
            record["findings"] = try JSONSerialization.jsonObject(with: encoder.encode(findings))
            record["crashFacts"] = try JSONSerialization.jsonObject(with: encoder.encode(facts))
            record["headline"] = headline
            record["cause"] = cause ?? NSNull()
            func object<T: Encodable>(_ value: T?) throws -> Any {
                try value.map { try JSONSerialization.jsonObject(with: encoder.encode($0)) } ?? NSNull()
            }
            record["culprit"] = try object(culprit)
            record["task"] = try object(task)
            let data = try JSONSerialization.data(
                withJSONObject: record, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            try Self.replace(jsonPath, with: data + Data("\n".utf8))
        } catch let error as FindingsError {
            throw error
        } catch {
            throw .cannotWrite(path: jsonPath, reason: "\(error)")
        }
    }

    /// Writes `data` to a temporary file beside `path` and renames it over `path`.
    static func replace(_ path: String, with data: Data) throws(FindingsError) {
        do throws(AtomicFileError) {
            try AtomicFile.write(data, to: path)
        } catch {
            throw .cannotWrite(path: path, reason: error.reason)
        }
    }
}

extension FindingsReport {
    private enum EncodedKeys: String, CodingKey {
        case headline, cause, culprit, task, findings, facts
    }

    /// The report as `cas findings --json` prints it: `headline`, `cause`, `culprit`, `task` (null when
    /// unknown), `findings` (the cause first) and `facts`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: EncodedKeys.self)
        try container.encode(headline, forKey: .headline)
        if let cause { try container.encode(cause, forKey: .cause) } else { try container.encodeNil(forKey: .cause) }
        if let culprit {
            try container.encode(culprit, forKey: .culprit)
        } else {
            try container.encodeNil(forKey: .culprit)
        }
        if let task { try container.encode(task, forKey: .task) } else { try container.encodeNil(forKey: .task) }
        try container.encode(findings, forKey: .findings)
        try container.encode(facts, forKey: .facts)
    }
}

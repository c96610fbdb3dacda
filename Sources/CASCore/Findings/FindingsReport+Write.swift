import Foundation

extension FindingsReport {
    /// Writes `findings.txt` and merges `findings` (and `crashFacts`, `headline`, `cause`, `culprit`, `task`)
    /// into `job.json` in `jobDirectory` (through ``JobJSON``, which keeps the other keys and creates the
    /// file when absent).
    public func write(to jobDirectory: String) throws(FindingsError) {
        let textPath = JobLayout.path(JobLayout.findings, in: jobDirectory)
        do throws(AtomicFileError) {
            try AtomicFile.write(Data(summary.utf8), to: textPath)
        } catch {
            throw .cannotWrite(path: textPath, reason: error.reason)
        }
        var fields: [String: Any] = [:]
        do {
            let encoder = JSONEncoder()
            func object<T: Encodable>(_ value: T?) throws -> Any {
                try value.map { try JSONSerialization.jsonObject(with: encoder.encode($0)) } ?? NSNull()
            }
            fields["findings"] = try object(findings)
            fields["crashFacts"] = try object(facts)
            fields["headline"] = headline
            fields["cause"] = cause ?? NSNull()
            fields["culprit"] = try object(culprit)
            fields["task"] = try object(task)
        } catch {
            throw .cannotWrite(path: JobLayout.path(JobLayout.jobJSON, in: jobDirectory), reason: "\(error)")
        }
        do throws(JobJSON.Failure) {
            try JobJSON.merge(fields, into: jobDirectory)
        } catch {
            switch error {
            case .notAnObject(let path, let reason): throw .badJobRecord(path: path, reason: reason)
            case .cannotWrite(let path, let reason): throw .cannotWrite(path: path, reason: reason)
            }
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

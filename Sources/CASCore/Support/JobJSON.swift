import Foundation

/// The one reader and writer of a job's `job.json`: each stage merges its own top-level keys (the job its
/// record, the findings their report), keeping the others, by temporary file and rename.
public enum JobJSON {
    /// Why job.json could not be merged into.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The existing file is not a JSON object; it is left alone.
        case notAnObject(path: String, reason: String)
        case cannotWrite(path: String, reason: String)

        public var description: String {
            switch self {
            case .notAnObject(let path, let reason): "\(path): \(reason); left as it is"
            case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
            }
        }
    }

    /// Merges top-level `values` into `<directory>/job.json`; creates the file when absent.
    public static func merge(_ values: [String: Any], into directory: String) throws(Failure) {
        let path = JobLayout.path(JobLayout.jobJSON, in: directory)
        var object: [String: Any] = [:]
        if let data = FileManager.default.contents(atPath: path) {
            let parsed: Any
            do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
                throw .notAnObject(path: path, reason: "invalid JSON")
            }
            guard let existing = parsed as? [String: Any] else { throw .notAnObject(path: path, reason: "not an object") }
            object = existing
        }
        for (key, value) in values { object[key] = value }
        let data: Data
        do {
            data = try JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        } catch {
            throw .cannotWrite(path: path, reason: "\(error)")
        }
        do throws(AtomicFileError) {
            try AtomicFile.write(data + Data("\n".utf8), to: path)
        } catch {
            throw .cannotWrite(path: path, reason: error.reason)
        }
    }

    /// `value` encoded (ISO 8601 dates) as the top-level keys to merge.
    public static func fields<T: Encodable>(of value: T) throws(Failure) -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        do {
            return try JSONSerialization.jsonObject(with: encoder.encode(value)) as? [String: Any] ?? [:]
        } catch {
            throw .cannotWrite(path: JobLayout.jobJSON, reason: "\(error)")
        }
    }
}

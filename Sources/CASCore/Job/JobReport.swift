import Foundation

/// The machine-readable record of one job, written to `job.json` and printed by `cas --json`.
public struct JobReport: Codable, Sendable, Equatable {
    public struct Kernel: Codable, Sendable, Equatable {
        public var format: String?
        public var release: String?
        public var version: String?
        public var arch: String?
        public var buildId: String?
    }

    public struct Debuginfo: Codable, Sendable, Equatable {
        public var package: String?
        public var vmlinux: String?
        /// How the kernel was matched ("build ID", "release and arch", "banner") and why that one.
        public var match: String?
    }

    public var id: String
    public var directory: String
    public var state: String
    public var step: String?
    public var error: String?
    public var exitStatus: Int32?
    public var file: String
    public var dump: String?
    public var member: String?
    public var kernel: Kernel?
    public var debuginfo: Debuginfo?
    public var server: String?
    /// Output files crash produced, with their sizes in bytes.
    public var outputs: [String: Int64] = [:]
    /// Seconds spent in each step.
    public var timings: [String: Double] = [:]
    public var startedAt: Date
    public var finishedAt: Date?
    public var mail: String?

    public init(id: String, directory: String, file: String, startedAt: Date) {
        self.id = id
        self.directory = directory
        self.state = "unpacking"
        self.file = file
        self.startedAt = startedAt
    }
}

/// Reads and writes a job's `job.json`, keeping keys other stages wrote (the findings array).
public enum JobJSON {
    /// Merges `report`'s keys into `<directory>/job.json`, keeping any other top-level keys, atomically.
    public static func write(_ report: JobReport, to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let fresh = try JSONSerialization.jsonObject(with: encoder.encode(report)) as? [String: Any] ?? [:]
        try merge(fresh, into: directory)
    }

    /// Merges top-level `values` into `<directory>/job.json`, atomically (temporary file + rename).
    public static func merge(_ values: [String: Any], into directory: String) throws {
        let path = directory + "/job.json"
        var object: [String: Any] = [:]
        if let data = FileManager.default.contents(atPath: path),
            let existing = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            object = existing
        }
        for (key, value) in values { object[key] = value }
        let data = try JSONSerialization.data(
            withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        do throws(AtomicFileError) {
            try AtomicFile.write(data + Data("\n".utf8), to: path)
        } catch {
            throw JobError.cannotCreate(path, error.reason)
        }
    }
}

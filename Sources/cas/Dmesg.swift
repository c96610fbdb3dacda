import ArgumentParser
import CASCLI
import CASCore
import Foundation

extension CAS {
    struct Dmesg: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the kernel log kept in a dump, without a vmlinux and without crash.",
            discussion: """
                Reads the printk buffer through the dump's VMCOREINFO (the lockless ring buffer of Linux 5.10 \
                and later, or the log_buf records of 3.5 to 5.9) and prints one record a line as \
                'makedumpfile --dump-dmesg' and crash's 'log' do: '[    3.372916] text', the lines of a \
                multi-line record indented under the first, control bytes as \\xNN. Reads ELF cores (kdump's \
                and QEMU's), kdump-compressed and flattened dumps, directly or inside any compression or \
                archive 'cas identify' reads; a compressed dump is decompressed only as far as the log's \
                pages, into a sparse temporary file that is removed at once. Records that cannot be read \
                (reserved, overwritten or corrupt) are skipped and counted on standard error. \
                --json gives each record's sequence number, timestamp, level, facility, caller and text.
                """
        )

        @Argument(help: "Dump files or archives holding one.")
        var files: [String]

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            global.bootstrapLogging(defaultLevel: .warning)
            let settings = try? global.loadSettings(creatingDirectories: false)
            let worst = Self.dmesg(files, json: global.json, settings: settings)
            if worst != .ok { throw ExitCode(worst.rawValue) }
        }

        /// `cas dmesg FILE… [--json]` answered before ArgumentParser starts, as ``Identify/fastPath(_:)`` does.
        static func fastPath(_ arguments: [String]) -> ExitStatus? {
            guard arguments.count >= 2, arguments[0] == "dmesg" else { return nil }
            let rest = arguments.dropFirst()
            let files = rest.filter { $0 != "--json" }
            guard !files.isEmpty, files.allSatisfy({ !$0.hasPrefix("-") }) else { return nil }
            LogSink.shared.setStandardErrorLevel(.warning)
            let settings = try? Settings.load(Settings.Locator(explicitPath: nil), creatingDirectories: false)
            if let settings { GlobalOptions.printWarnings(of: settings) }
            return dmesg(files, json: rest.contains("--json"), settings: settings)
        }

        /// Prints each file's log (a `==> FILE <==` line before each when there are several) or the JSON
        /// array; one line per failure on standard error; returns the worst status.
        static func dmesg(_ files: [String], json: Bool, settings: Settings?) -> ExitStatus {
            let bufferSize = settings?.bufferSize ?? (64 << 20)
            let spillLimit = settings?.maxUnpackSize ?? (1 << 40)
            var results: [DmesgJSON] = []
            var worst: ExitStatus = .ok
            for (number, file) in files.enumerated() {
                do throws(KernelLogExtractionError) {
                    let result = try KernelLogExtraction.read(
                        path: file, bufferSize: bufferSize, spillLimit: spillLimit)
                    if result.log.skipped > 0 {
                        let name = result.member.map { "\(file) ⊃ \($0)" } ?? file
                        FileHandle.standardError.write(Data(
                            "cas dmesg: \(name): \(result.log.skipped) records skipped (reserved, overwritten or corrupt)\n"
                                .utf8))
                    }
                    if json {
                        results.append(DmesgJSON(result))
                        continue
                    }
                    var text = ""
                    if files.count > 1 { text += (number > 0 ? "\n" : "") + "==> \(file) <==\n" }
                    text += result.log.text
                    FileHandle.standardOutput.write(Data(text.utf8))
                } catch {
                    FileHandle.standardError.write(Data("cas dmesg: \(error.description)\n".utf8))
                    if error.exitStatus.rawValue > worst.rawValue { worst = error.exitStatus }
                }
            }
            if json {
                do { try printJSON(results) } catch { return .failure }
            }
            return worst
        }
    }
}

/// The `--json` object of `cas dmesg` for one dump.
struct DmesgJSON: Encodable {
    let path: String
    let member: String?
    let layout: String
    let skipped: Int
    let records: [Record]

    struct Record: Encodable {
        let sequence: UInt64?
        /// Seconds since boot, with the nanoseconds as a fraction.
        let timestamp: Double
        let timestampNs: UInt64
        let level: Int?
        let facility: Int?
        let caller: String?
        let text: String

        enum Key: String, CodingKey { case sequence, timestamp, timestampNs, level, facility, caller, text }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(sequence, forKey: .sequence)
            try c.encode(timestamp, forKey: .timestamp)
            try c.encode(timestampNs, forKey: .timestampNs)
            try c.encode(level, forKey: .level)
            try c.encode(facility, forKey: .facility)
            try c.encode(caller, forKey: .caller)
            try c.encode(text, forKey: .text)
        }
    }

    enum Key: String, CodingKey { case path, member, layout, skipped, records }

    init(_ result: KernelLogExtraction.Result) {
        path = result.path
        member = result.member
        layout = result.log.layout
        skipped = result.log.skipped
        records = result.log.records.map {
            Record(
                sequence: $0.sequence, timestamp: Double($0.timestamp) / 1e9, timestampNs: $0.timestamp,
                level: $0.level, facility: $0.facility, caller: $0.callerText,
                text: String(decoding: $0.text, as: UTF8.self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(path, forKey: .path)
        try c.encode(member, forKey: .member)
        try c.encode(layout, forKey: .layout)
        try c.encode(skipped, forKey: .skipped)
        try c.encode(records, forKey: .records)
    }
}

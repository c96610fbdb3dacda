import Foundation

/// The files a crash run left in the job directory, and the parts other stages quote.
public enum CrashOutputs {
    /// One output file and its size in bytes.
    public struct File: Sendable, Equatable, Codable {
        public var name: String
        public var size: Int64
    }

    /// The files a `crash.in` text redirects into (`bt >> traceback`, `ps -m | grep UN >> blocked`), in order.
    public static func redirectTargets(in crashInput: String) -> [String] {
        var names: [String] = []
        for command in Snippet.commands(in: crashInput) {
            guard let arrow = command.lastIndex(of: ">") else { continue }
            let target = command[command.index(after: arrow)...].split(whereSeparator: \.isWhitespace).first
            if let target, !names.contains(String(target)) { names.append(String(target)) }
        }
        return names
    }

    /// The files among `names` that exist in `directory` (regular files), with their sizes, in `names` order.
    public static func list(directory: String, names: [String]) -> [File] {
        names.compactMap { name in
            let path = name.hasPrefix("/") ? name : (directory as NSString).appendingPathComponent(name)
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                attributes[.type] as? FileAttributeType == .typeRegular
            else { return nil }
            return File(name: name, size: (attributes[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }

    /// Every output of a job: crash's own output, then the files its `crash.in` redirects into.
    public static func list(
        directory: String, input: String = JobLayout.crashInput, output: String = JobLayout.crashOutput
    ) -> [File] {
        let inputText =
            (try? String(
                contentsOfFile: (directory as NSString).appendingPathComponent(input), encoding: .utf8)) ?? ""
        return list(directory: directory, names: [output] + redirectTargets(in: inputText))
    }

    /// The crashing task's backtrace: the first block of a `traceback` text, up to a blank line or the
    /// next `PID:` header (crash prints `bt -a` right after `bt` with no blank line between).
    public static func crashingBacktrace(in traceback: String) -> String? {
        var block: [Substring] = []
        for line in traceback.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let blank = line.allSatisfy(\.isWhitespace)
            if block.isEmpty {
                if !blank { block.append(line) }
                continue
            }
            if blank || line.hasPrefix("PID:") { break }
            block.append(line)
        }
        return block.isEmpty ? nil : block.joined(separator: "\n")
    }

    /// `crashingBacktrace(in:)` of `<directory>/traceback`, nil when it is missing or empty.
    public static func crashingBacktrace(directory: String, file: String = JobLayout.traceback) -> String? {
        let path = (directory as NSString).appendingPathComponent(file)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return crashingBacktrace(in: text)
    }

    /// The errors crash printed for commands it went on after (`dev: -d option not supported …`): each line
    /// of `crashOutput` that starts with the verb of one of `commands` and `: `, with that command, in order.
    public static func commandErrors(in crashOutput: String, commands: [String]) -> [CrashCommandFailure] {
        var byVerb: [String: String] = [:]
        for command in commands {
            guard let verb = command.split(separator: " ").first.map(String.init), !verb.hasPrefix("!") else { continue }
            if byVerb[verb] == nil { byVerb[verb] = command }
        }
        var errors: [CrashCommandFailure] = []
        for line in crashOutput.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":"), let command = byVerb[String(line[..<colon])],
                line[line.index(after: colon)...].hasPrefix(" ")
            else { continue }
            let message = line.trimmingCharacters(in: .whitespaces)
            if !errors.contains(where: { $0.reason == message }) {
                errors.append(CrashCommandFailure(command: command, reason: message))
            }
            if errors.count >= 100 { break }
        }
        return errors
    }

    /// crash's `WARNING:` lines (e.g. "WARNING: kernel version inconsistency between vmlinux and dumpfile",
    /// which crash prints and then carries on with exit status 0), for the job log and findings.
    public static func warnings(in crashOutput: String) -> [String] {
        crashOutput.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("WARNING: ") }
    }
}

import ArgumentParser
import CASCLI
import CASCore
import Foundation

extension CAS {
    struct Identify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tell which kernel a dump is from, reading only its headers.",
            discussion: """
                Reads ELF cores, kdump-compressed and diskdump files, and makedumpfile's flattened format, \
                directly or through any compression or archive around them (tar, zip, cpio, gzip, bzip2, xz, \
                zstd, lz4, nested), decompressing only as far as the dump's headers and writing nothing to disk. \
                With several files, each is reported and the exit status is the worst one.
                """
        )

        @Argument(help: "Dump files or archives holding one.")
        var files: [String]

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            global.bootstrapLogging(defaultLevel: .warning)
            let settings = try? global.loadSettings(creatingDirectories: false)
            let worst = Self.identify(files, json: global.json, settings: settings)
            if worst != .ok { throw ExitCode(worst.rawValue) }
        }

        /// Identifies each file, printing a block (or the JSON array) on standard output and one line per
        /// failure on standard error; returns the worst status.
        static func identify(_ files: [String], json: Bool, settings: Settings?) -> ExitStatus {
            let bufferSize = settings?.bufferSize ?? (64 << 20)
            var results: [IdentifyJSON] = []
            var worst: ExitStatus = .ok
            var printed = false
            for file in files {
                do throws(IdentifyError) {
                    let result = try Identification.identify(path: file, bufferSize: bufferSize)
                    if json {
                        results.append(IdentifyJSON(result))
                    } else {
                        if printed { print("") }
                        print(Self.render(result))
                        printed = true
                    }
                } catch {
                    FileHandle.standardError.write(Data("cas identify: \(Escaped.text(error.description))\n".utf8))
                    if error.exitStatus.rawValue > worst.rawValue { worst = error.exitStatus }
                }
            }
            if json {
                do { try printJSON(results) } catch { return .failure }
            }
            return worst
        }

        /// `cas identify FILE… [--json]` without other options, answered before ArgumentParser is set up: its
        /// start-up (reflection over every command's options) costs more than reading a dump's headers, and
        /// `cas identify` must not be slower than `crash --osrelease`. Anything else (`--help`, `--config`,
        /// a file named like an option) goes through the full parser. Returns nil when it does not apply.
        static func fastPath(_ arguments: [String]) -> ExitStatus? {
            guard arguments.count >= 2, arguments[0] == "identify" else { return nil }
            let rest = arguments.dropFirst()
            let json = rest.contains("--json")
            let files = rest.filter { $0 != "--json" }
            guard !files.isEmpty, files.allSatisfy({ !$0.hasPrefix("-") }) else { return nil }
            LogSink.shared.setStandardErrorLevel(.warning)
            let settings = try? Settings.load(Settings.Locator(explicitPath: nil), creatingDirectories: false)
            if let settings { GlobalOptions.printWarnings(of: settings) }
            return identify(files, json: json, settings: settings)
        }

        /// The text block for one dump.
        static func render(_ result: Identification.Result) -> String {
            let id = result.identity
            var text = ""
            func line(_ label: String, _ value: String) {
                if !text.isEmpty { text += "\n" }
                // Every value came from the dump (or the user's file name): printed with control characters escaped.
                text += label + ":" + String(repeating: " ", count: max(1, 11 - label.utf8.count)) + Escaped.text(value)
            }
            line("file", result.path)
            if let member = result.member { line("member", member) }
            line("format", id.format)
            line("release", id.release ?? "-")
            line("version", id.version ?? "-")
            line("arch", id.arch.map { arch in
                let from = id.archSources.first.map { " (from \($0.source))" } ?? ""
                return arch + from
            } ?? "-")
            line("build ID", id.buildId ?? "-")
            line("page size", id.pageSize.map(String.init) ?? "-")
            line("crash time", id.crashTime.map { $0.ISO8601Format() } ?? "-")
            line("node", id.nodename ?? "-")
            for conflict in id.conflicts { line("conflict", conflict) }
            return text
        }
    }
}

/// The `--json` object of `cas identify`: exactly the keys the command documents, nulls included.
struct IdentifyJSON: Encodable {
    let result: Identification.Result

    init(_ result: Identification.Result) { self.result = result }

    enum Key: String, CodingKey {
        case path, member, format, release, version, arch, archSources, conflicts, buildId, crashTime, nodename,
            pageSize, dumpLevel, vmcoreinfo, vmcoreinfoSource
    }

    func encode(to encoder: any Encoder) throws {
        let id = result.identity
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(result.path, forKey: .path)
        try c.encode(result.member, forKey: .member)
        try c.encode(id.format, forKey: .format)
        try c.encode(id.release, forKey: .release)
        try c.encode(id.version, forKey: .version)
        try c.encode(id.arch, forKey: .arch)
        try c.encode(id.archSources, forKey: .archSources)
        try c.encode(id.conflicts, forKey: .conflicts)
        try c.encode(id.buildId, forKey: .buildId)
        try c.encode(id.crashTime.map { $0.ISO8601Format() }, forKey: .crashTime)
        try c.encode(id.nodename, forKey: .nodename)
        try c.encode(id.pageSize, forKey: .pageSize)
        try c.encode(id.dumpLevel, forKey: .dumpLevel)
        try c.encode(id.vmcoreinfo, forKey: .vmcoreinfo)
        try c.encode(id.vmcoreinfoSource, forKey: .vmcoreinfoSource)
    }
}

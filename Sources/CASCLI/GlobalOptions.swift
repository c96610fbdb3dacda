import ArgumentParser
import CASCore
import Foundation
import Logging

/// Flags every command takes: `--config`, `--verbose`, `--json`.
public struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Configuration file to use.",
            discussion: "Without it: $CAS_CONFIG, then /etc/cas.conf, then a built-in default under $XDG_DATA_HOME/cas.",
            valueName: "path"))
    public var config: String?

    @Flag(name: .shortAndLong, help: "Show every step on standard error (debug level).")
    public var verbose = false

    @Flag(name: .long, help: "Print results as JSON on standard output.")
    public var json = false

    public init() {}

    /// Sets standard error's log level from `--verbose` (warnings only otherwise, info for long work).
    public func bootstrapLogging(defaultLevel: Logger.Level = .info) {
        LogSink.shared.setStandardErrorLevel(verbose ? .debug : defaultLevel)
    }

    /// The settings in force, with their warnings printed to standard error unless `printingWarnings` is false
    /// (`cas-admin check` reports them itself).
    public func loadSettings(printingWarnings: Bool = true, creatingDirectories: Bool = true) throws(ConfigError)
        -> Settings
    {
        let settings = try Settings.load(Settings.Locator(explicitPath: config), creatingDirectories: creatingDirectories)
        if printingWarnings { Self.printWarnings(of: settings) }
        return settings
    }

    /// The configuration's warnings, one `warning:` line each on standard error.
    public static func printWarnings(of settings: Settings) {
        for warning in settings.warnings {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
    }
}

/// Runs a command body, turning a ``CASError`` into one line on standard error and its exit status.
public func reportingErrors<T>(_ tool: String, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as any CASError {
        FileHandle.standardError.write(Data("\(tool): \(Escaped.text(error.description))\n".utf8))
        throw ExitCode(error.exitStatus.rawValue)
    }
}

/// Prints an `Encodable` value as pretty JSON with sorted keys on standard output.
public func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    let data = try encoder.encode(value)
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

/// The exit-status section shared by both tools' `--help`.
public let exitStatusHelp = "Exit status:\n" + ExitStatus.helpTable

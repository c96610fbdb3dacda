import Foundation

/// The validated configuration every stage is handed: one value per key of DESIGN's table,
/// defaults applied, paths absolute.
public struct Settings: Sendable {
    /// The file these settings came from, or "built-in default".
    public var source: String
    /// Non-fatal problems found while reading (unknown keys and the like), one line each.
    public var warnings: [String] = []

    // [settings]
    /// `casUser` as the file sets it; nil means the user this process runs as.
    var configuredCasUser: String?
    /// The user analyses run as: the configured one, else the user this process runs as (looked up only
    /// when asked: reading the user database is start-up time most commands do not need).
    public var casUser: String {
        get { configuredCasUser ?? Self.currentUserName() }
        set { configuredCasUser = newValue }
    }
    public var kernels: String
    /// `[settings] analysts`: the group whose members read every job and the database (team model); nil
    /// when unset (jobs then belong to the casuser alone).
    public var analysts: String? = nil
    public var rpmFilter: FindRegex
    public var debFilter: FindRegex
    public var debugs: String
    /// Level of the process log (`debugLevel`): debug or info.
    public var debugLevel: LogLevel
    public var workDirectory: String
    public var smtpHost: String?
    public var database: String
    /// A directory of crash command snippets replacing the installed ones.
    public var snippets: String?
    /// A directory of site findings rules added to the built-in ones.
    public var rules: String?
    public var smtpTLS: String
    public var smtpUser: String?
    public var smtpPasswordFile: String?
    public var mailFrom: String?
    public var mailAttachLimit: Int64
    /// debuginfod servers asked by build ID, in order: `debuginfodUrls`, else `$DEBUGINFOD_URLS`.
    public var debuginfodUrls: [String]
    /// Where ``debuginfodUrls`` came from ("[settings] debuginfodUrls", "DEBUGINFOD_URLS"), nil when unset.
    public var debuginfodUrlsSource: String?

    // [maintenance]
    public var purgeLimit: Int
    public var autoPurge: Bool
    public var debugsLimit: Int64?
    /// `cas-admin -b` extracts the vmlinux of this many newest kernels per architecture (0: none).
    public var prefetch: Int
    /// `[maintenance] keepFailedInput`: a job that ends before crash runs keeps its copy of the upload.
    public var keepFailedInput = false

    // [advanced]
    public var crash: String
    public var crash32: String?
    public var bufferSize: Int64
    public var crashTimeout: Int
    public var localAnalysis: Bool
    public var sshOptions: [String]
    public var sshConnectTimeout: Int
    /// Seconds a debuginfod server may send (almost) nothing before it is given up on.
    public var debuginfodTimeout: Int
    /// Largest total a single intake may write (decompression-bomb guard).
    public var maxUnpackSize: Int64
    /// Largest output/input ratio intake accepts before calling it a bomb.
    public var maxExpansionRatio: Int
    /// `[advanced] maxExtraSize`: most bytes the members beside the dump may unpack to, together.
    public var maxExtraSize: Int64 = 1 << 30
    /// `[advanced] maxExtraRatio`: most output bytes per input byte for one member that is not the dump.
    public var maxExtraRatio: Int = 100
    /// Who decompresses an upload's outermost layer: installed parallel programs or libarchive.
    public var decompressors: Decompressors

    // [servers]
    public var serverHosts: [String]

    /// The two levels `debugLevel` accepts.
    public enum LogLevel: String, Sendable {
        case debug = "DEBUG"
        case info = "INFO"
    }

    /// Defaults from DESIGN.md, rooted at `base` for the directories.
    public static func defaults(base: String, source: String) -> Settings {
        Settings(
            source: source,
            configuredCasUser: nil,
            kernels: base + "/kernels",
            rpmFilter: FindRegex(builtIn: defaultRPMFilter),
            debFilter: FindRegex(builtIn: defaultDebFilter),
            debugs: base + "/debugs",
            debugLevel: .info,
            workDirectory: base + "/work",
            smtpHost: nil,
            database: base + "/cas.db",
            snippets: nil,
            rules: nil,
            smtpTLS: "auto",
            smtpUser: nil,
            smtpPasswordFile: nil,
            mailFrom: nil,
            mailAttachLimit: 5 << 20,
            debuginfodUrls: [],
            debuginfodUrlsSource: nil,
            purgeLimit: 90,
            autoPurge: false,
            debugsLimit: nil,
            prefetch: 0,
            crash: "crash",
            crash32: nil,
            bufferSize: 64 << 20,
            crashTimeout: 7200,
            localAnalysis: true,
            sshOptions: [],
            sshConnectTimeout: 10,
            debuginfodTimeout: 30,
            maxUnpackSize: 4 << 40,
            maxExpansionRatio: 1000,
            decompressors: .auto,
            serverHosts: []
        )
    }

    public static let defaultRPMFilter = #".*kerne.+-debuginfo-[0-9].*\.rpm"#
    public static let defaultDebFilter = #".*linux-image-.*-\(dbg\|dbgsym\)_.*\.d?deb"#

    /// The name of the user this process runs as.
    public static func currentUserName() -> String {
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "root"
    }
}

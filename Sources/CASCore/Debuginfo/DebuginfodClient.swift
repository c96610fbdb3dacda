import Foundation
import Logging

/// Fetches debug files by GNU build ID from debuginfod servers (elfutils' protocol:
/// `GET <server>/buildid/<hex>/debuginfo`), asking each server in order until one has it.
///
/// HTTP(S) and `file://` go through libcurl (``Curl``), which honours the proxy variables. Each request has
/// a connect timeout and a low-speed timeout; a 5xx answer, a timeout or a broken transfer is retried with a
/// growing pause; a 404 moves on to the next server at once. What arrives is written under a temporary
/// name, its build ID checked, then renamed: a file that is not the one asked for is never kept.
public struct DebuginfodClient: Sendable {
    /// The servers, in the order they are asked.
    public var urls: [String]
    public var connectTimeout = 10
    /// Seconds with less than 1 KiB/s arriving before a server is given up on.
    public var stallTimeout = 30
    /// Further attempts on one server after a 5xx, a timeout or a broken transfer.
    public var retries = 2
    /// Pause before the first retry (doubled each time).
    public var backoff = 1.0
    /// Called as data arrives with (bytes expected or 0, bytes so far).
    public var progress: (@Sendable (Int64, Int64) -> Void)?

    public init(urls: [String]) { self.urls = urls }

    /// A progress display for ``progress``: "fetching: 12.3 MB of 40.1 MB" on standard error, redrawn at
    /// most twice a second, when standard error is a terminal (nil otherwise).
    public static func terminalProgress() -> (@Sendable (Int64, Int64) -> Void)? {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        let drawn = TerminalLine()
        return { total, now in
            guard drawn.due() else { return }
            let text = total > 0 ? "\(ByteCount.format(now)) of \(ByteCount.format(total))" : ByteCount.format(now)
            FileHandle.standardError.write(Data("\rfetching from debuginfod: \(text)\u{1B}[K".utf8))
        }
    }

    /// Where a fetched file came from.
    public struct Fetched: Sendable {
        public var url: String
        public var size: Int64
        public var seconds: Double
    }

    /// A build ID as servers and the cache take it: lowercase hex, an even number of digits, 2 to 128
    /// (GNU build IDs are 20 bytes; other lengths exist); nil for anything else.
    public static func validBuildId(_ text: String) -> String? {
        let id = text.lowercased()
        let hex = id.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
        guard hex, (2...128).contains(id.count), id.count % 2 == 0 else { return nil }
        return id
    }

    /// The request URL for `buildId` (already validated) on `server`.
    static func requestURL(server: String, buildId: String, kind: String = "debuginfo") -> String {
        var base = server
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/buildid/" + buildId + "/" + kind
    }

    /// Downloads the debug file of `buildId` to `destination` (through `destination.part`), checking that the
    /// file carries that build ID. Returns the URL it came from.
    public func fetch(buildId raw: String, to destination: String) throws(DebuginfodError) -> Fetched {
        guard let buildId = Self.validBuildId(raw) else { throw .invalidBuildId(raw) }
        guard !urls.isEmpty else { throw .noServers }
        let logger = Logger.cas("debuginfod")
        var attempts: [String] = []
        for server in urls {
            let url = Self.requestURL(server: server, buildId: buildId)
            var pause = backoff
            for attempt in 0...retries {
                let start = Date()
                logger.info("asking \(url)\(attempt > 0 ? " (attempt \(attempt + 1))" : "")")
                let outcome = download(url, to: destination + ".part")
                if progress != nil { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                switch outcome {
                case .success(let size):
                    let found = LooseVmlinux.buildId(path: destination + ".part")
                    guard found == buildId else {
                        unlink(destination + ".part")
                        let line = "\(url): the file served has build ID \(found ?? "none"), not \(buildId): refused"
                        logger.warning("\(line)")
                        attempts.append(line)
                        break
                    }
                    guard rename(destination + ".part", destination) == 0 else {
                        let why = String(cString: strerror(errno))
                        unlink(destination + ".part")
                        throw .cannotWrite(destination, why)
                    }
                    return Fetched(url: url, size: size, seconds: Date().timeIntervalSince(start))
                case .failure(let failure):
                    unlink(destination + ".part")
                    if case .cannotWrite(let path, let why) = failure { throw .cannotWrite(path, why) }
                    let line = "\(url): \(failure.description)"
                    if failure.retryable, attempt < retries {
                        logger.warning("\(line); retrying in \(String(format: "%.0f", pause)) s")
                        Thread.sleep(forTimeInterval: pause)
                        pause *= 2
                        continue
                    }
                    logger.info("\(line)")
                    attempts.append(line)
                }
                break
            }
        }
        throw .notFound(buildId, attempts)
    }

    /// Why one request failed.
    enum Failure: Error {
        case http(Int, String)
        case transfer(Curl.Failure)
        case cannotWrite(String, String)

        var retryable: Bool {
            switch self {
            case .http(let status, _): status >= 500
            case .transfer(let failure): [.timeout, .dialogue].contains(failure.kind)
            case .cannotWrite: false
            }
        }

        var description: String {
            switch self {
            case .http(let status, let text): "HTTP \(status)\(text.isEmpty ? "" : ": " + text)"
            case .transfer(let failure):
                failure.kind == .timeout ? "timed out: \(failure.message)" : failure.message
            case .cannotWrite(let path, let why): "\(path): \(why)"
            }
        }
    }

    /// One GET of `url` into a new file `temporary`; the size written, or why not.
    private func download(_ url: String, to temporary: String) -> Result<Int64, Failure> {
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return .failure(.cannotWrite(temporary, String(cString: strerror(errno)))) }
        defer { close(fd) }
        let sink = DownloadSink(fd: fd)
        do throws(Curl.Failure) {
            let curl = try Curl()
            sink.status = { [unowned curl] in curl.responseCode }
            curl.onWrite = { sink.take($0) }
            try curl.set(.url(url))
            try curl.set(.connectTimeout(seconds: connectTimeout))
            try curl.set(.lowSpeed(bytesPerSecond: 1024, seconds: stallTimeout))
            try curl.set(.followRedirects(max: 5))
            try curl.set(.userAgent("cas (debuginfod client)"))
            if let progress {
                curl.onProgress = { total, now in
                    progress(total, now)
                    return true
                }
                try curl.set(.progress)
            }
            do {
                try curl.perform()
            } catch {
                if let why = sink.writeError { return .failure(.cannotWrite(temporary, why)) }
                if url.lowercased().hasPrefix("file:"), error.code == 37 {  // CURLE_FILE_COULDNT_READ_FILE
                    return .failure(.http(404, "no such file"))
                }
                return .failure(.transfer(error))
            }
            let status = curl.responseCode
            if status >= 400 { return .failure(.http(status, sink.errorText)) }
            return .success(sink.written)
        } catch {
            return .failure(.transfer(error))
        }
    }
}

/// When a progress line was last drawn.
private final class TerminalLine: @unchecked Sendable {
    private let lock = NSLock()
    private var last = Date.distantPast

    /// True (and the time noted) when half a second has passed since the last draw.
    func due() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard Date().timeIntervalSince(last) >= 0.5 else { return false }
        last = Date()
        return true
    }
}

/// Where a response body goes: the file when the status is a success, else a bounded error text.
private final class DownloadSink {
    let fd: Int32
    var status: () -> Int = { 0 }
    var written: Int64 = 0
    var errorBody: [UInt8] = []
    var writeError: String?

    init(fd: Int32) { self.fd = fd }

    /// The server's words for an error: its answer as one line (an HTML page's tags dropped), at most 200
    /// characters, control characters escaped.
    var errorText: String {
        var text = String(decoding: errorBody, as: UTF8.self)
        if text.contains("<") {
            text = text.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
        }
        let words = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        let line = String(words.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? "?" : Character($0) })
        return line.count > 200 ? line.prefix(200) + "…" : line
    }

    func take(_ data: UnsafeRawBufferPointer) -> Bool {
        if status() >= 400 {
            if errorBody.count < 4096 { errorBody += data.prefix(4096 - errorBody.count) }
            return true
        }
        var done = 0
        while done < data.count {
            let n = Foundation.write(fd, data.baseAddress! + done, data.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                writeError = String(cString: strerror(errno))
                return false
            }
            done += n
        }
        written += Int64(data.count)
        return true
    }
}

/// No debuginfod server could give the file.
public enum DebuginfodError: CASError {
    case invalidBuildId(String)
    case noServers
    /// Every server was asked; one line per server (or attempt) saying why it did not give the file.
    case notFound(String, [String])
    case cannotWrite(String, String)

    public var description: String {
        switch self {
        case .invalidBuildId(let id):
            "build ID '\(id.prefix(140))' is not hexadecimal digits (2 to 128 of them, an even number)"
        case .noServers: "no debuginfod server configured (set debuginfodUrls in [settings] or DEBUGINFOD_URLS)"
        case .notFound(let id, let attempts):
            "no debuginfod server has build ID \(id): " + attempts.joined(separator: "; ")
        case .cannotWrite(let path, let why): "debugs cache \(path): \(why)"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .invalidBuildId: .badInput
        case .noServers, .notFound: .noDebuginfo
        case .cannotWrite: .cannotWrite
        }
    }
}

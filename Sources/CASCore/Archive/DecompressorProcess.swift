import Foundation

/// An installed decompressor (``Decompressors/Program``) running over the upload in its own process.
///
/// The program reads the file itself (its standard input is the file, so nothing is copied through us) and
/// writes the decompressed stream into a pipe that libarchive reads: decompression runs beside our parsing and
/// writing, and on every core for the parallel programs. It starts with an empty signal mask and default
/// signal dispositions (our threads block signals, and children inherit that). Its standard error goes to an
/// unlinked temporary file, so a failure can be reported in its own words.
final class DecompressorProcess {
    let program: Decompressors.Program
    /// The read end of the program's output.
    private(set) var output: Int32
    private let input: Int32
    private let errors: Int32
    private var pid: pid_t
    /// The program's failure, once known.
    private(set) var failure: String?

    /// The program to decompress the file at `path` with, under `decompressors`; nil for in-process.
    static func program(for path: String, _ decompressors: Decompressors) -> Decompressors.Program? {
        let programs = decompressors.programs
        guard !programs.isEmpty else { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        let size = Int64(st.st_size)
        if decompressors == .auto, sysconf(Int32(_SC_NPROCESSORS_ONLN)) < 2 { return nil }
        let head = readAt(fd, 0, 16)
        guard let program = programs.first(where: { $0.matches(head) }) else { return nil }
        if decompressors == .auto, program.format == "xz", (xzBlockCount(fd, size: size) ?? 1) < 2 { return nil }
        return program
    }

    /// Blocks in the last stream of an xz file, from its index (found through the stream footer); nil when
    /// the footer or index does not parse.
    static func xzBlockCount(_ fd: Int32, size: Int64) -> Int? {
        guard size >= 32 else { return nil }
        let footer = readAt(fd, size - 12, 12)
        guard footer.count == 12, footer[10] == 0x59, footer[11] == 0x5A else { return nil }
        let stored = footer[4..<8].reversed().reduce(Int64(0)) { $0 << 8 | Int64($1) }  // little-endian
        let backward = (stored + 1) * 4
        guard backward > 0, backward <= size - 24 else { return nil }
        let index = readAt(fd, size - 12 - backward, 10)
        guard index.first == 0x00 else { return nil }
        var count = 0
        for (shift, byte) in index.dropFirst().prefix(9).enumerated() {
            count |= Int(byte & 0x7F) << (7 * shift)
            if byte & 0x80 == 0 { return count }
        }
        return nil
    }

    private static func readAt(_ fd: Int32, _ offset: Int64, _ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
        return n > 0 ? Array(bytes.prefix(n)) : []
    }

    /// Starts `program` over the file at `path`.
    init(program: Decompressors.Program, path: String, name: String) throws(ArchiveError) {
        self.program = program
        input = open(path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw .io(name, "cannot read: \(String(cString: strerror(errno)))", .noInput) }
        var template = Array((NSTemporaryDirectory() + "/cas-decompress.XXXXXX").utf8CString)
        errors = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if errors >= 0 {
            _ = fcntl(errors, F_SETFD, FD_CLOEXEC)
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        }
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else {
            let why = String(cString: strerror(errno))
            close(input)
            if errors >= 0 { close(errors) }
            throw .message(name, "cannot create a pipe for \(program.command): \(why)")
        }
        for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        // A 1 MiB pipe (F_SETPIPE_SZ) instead of 64 KiB: fewer wake-ups of both sides; best effort.
        _ = fcntl(pipeEnds[1], 1031, Int32(1 << 20))
        output = pipeEnds[0]
        var code: Int32 = 0
        let child = Self.spawn(program.command, stdin: input, stdout: pipeEnds[1], stderr: errors, error: &code)
        close(pipeEnds[1])
        guard let child else {
            close(output)
            close(input)
            if errors >= 0 { close(errors) }
            throw .message(name, "cannot start \(program.command): \(String(cString: strerror(code)))")
        }
        pid = child
    }

    deinit {
        stop()
        close(input)
        if errors >= 0 { close(errors) }
    }

    /// Compressed bytes the program has read so far (it shares our file offset).
    var consumed: Int64 { Int64(lseek(input, 0, SEEK_CUR)) }

    /// After libarchive reported an error: the program's own complaint when it failed (its output ended
    /// because it did), else nil. A program still running is stopped.
    func failureAfterError() -> String? {
        var poller = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
        let ended = output >= 0 && poll(&poller, 1, 0) == 1 && (poller.revents & Int16(POLLHUP)) != 0
        if !ended { kill(pid, SIGKILL) }
        stop()
        return failure
    }

    /// At the end of the upload: reads what the program still writes (padding after an archive's end), waits
    /// for it and returns its failure, if it failed.
    func finish() -> String? {
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        var drained = 0
        while output >= 0, drained < 64 << 20 {
            let n = scratch.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            drained += n
        }
        stop()
        return failure
    }

    /// Closes our end of the pipe and reaps the program; a program killed by SIGPIPE (we stopped reading early)
    /// or by us did not fail.
    private func stop() {
        if output >= 0 {
            close(output)
            output = -1
        }
        guard pid > 0 else { return }
        var status: Int32 = 0
        var rc: pid_t
        repeat { rc = waitpid(pid, &status, 0) } while rc < 0 && errno == EINTR
        pid = 0
        guard rc > 0 else { return }
        let signal = status & 0x7F
        if signal == 0 {
            let code = (status >> 8) & 0xFF
            if code != 0 { failure = lastErrorLine() ?? "\(program.command) exited with status \(code)" }
        } else if signal != SIGPIPE && signal != SIGKILL {
            failure = "\(program.command) was killed by signal \(signal)"
        }
    }

    /// The last non-empty line the program wrote to standard error ("pigz: skipping: <stdin>: corrupted -- …").
    private func lastErrorLine() -> String? {
        guard errors >= 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let size = Int64(lseek(errors, 0, SEEK_END))
        let start = max(0, size - Int64(bytes.count))
        let n = bytes.withUnsafeMutableBytes { pread(errors, $0.baseAddress, $0.count, off_t(start)) }
        guard n > 0 else { return nil }
        let text = String(decoding: bytes.prefix(n), as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).last.map { String($0).trimmingCharacters(in: .whitespaces) }
    }

    /// posix_spawn of a fixed command line (split on spaces; never user text) with the three descriptors.
    private static func spawn(
        _ command: String, stdin: Int32, stdout: Int32, stderr: Int32, error: inout Int32
    ) -> pid_t? {
        let words = command.split(separator: " ").map(String.init)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        if stderr >= 0 {
            posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        var none = sigset_t()
        var all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, words[0], &actions, &attributes, &argv, environ)
        error = rc
        return rc == 0 ? child : nil
    }
}

extension Decompressors.Program {
    /// Whether `head` (the file's first bytes) starts a stream of this program's format.
    func matches(_ head: [UInt8]) -> Bool {
        guard head.count >= signature.count, Array(head.prefix(signature.count)) == signature else { return false }
        guard format == "bzip2" else { return true }
        // "BZh", a level digit, then a block or end-of-stream magic (as libarchive's own bidder checks).
        guard head.count >= 10, (0x31...0x39).contains(head[3]) else { return false }
        let magic = Array(head[4..<10])
        return magic == [0x31, 0x41, 0x59, 0x26, 0x53, 0x59] || magic == [0x17, 0x72, 0x45, 0x38, 0x50, 0x90]
    }
}

import Foundation

/// The job's `crash` script: the configured crash binary on the job's dump and vmlinux, passing its own
/// arguments on (`./crash` opens an interactive session; `./crash -i crash.in` reruns the batch).
public enum CrashWrapper {
    /// The script text. Every path is made absolute (against `directory`) and single-quoted for `sh`.
    ///
    /// A bare crash name (`crash`) is kept as a name, so the script finds it on `PATH` as the job did.
    public static func script(crash: String, dump: String, vmlinux: String, directory: String) -> String {
        let binary = crash.contains("/") ? absolute(crash, in: directory) : crash
        let words = [binary, absolute(dump, in: directory), absolute(vmlinux, in: directory)].map(shellQuoted)
        return "#!/bin/sh\nexec \(words.joined(separator: " ")) \"$@\"\n"
    }

    /// Writes the script to `<directory>/crash`, mode 0755, and returns its path.
    ///
    /// A bare crash name is first resolved on `PATH` (absolute entries only), so the script names the
    /// same binary the job ran and can never exec itself.
    @discardableResult
    public static func write(
        crash: String, dump: String, vmlinux: String, directory: String
    ) throws(CrashError) -> String {
        let path = (directory as NSString).appendingPathComponent(JobLayout.wrapper)
        let text = script(crash: CrashRun.resolve(crash), dump: dump, vmlinux: vmlinux, directory: directory)
        do throws(AtomicFileError) {
            try AtomicFile.write(Data(text.utf8), to: path, mode: 0o755)
        } catch {
            throw .cannotWrite(path, error.reason)
        }
        return path
    }

    /// `word` as one `sh` word: single-quoted, each `'` written as `'\''`.
    public static func shellQuoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// `path` made absolute against `directory`, with `.` and `..` components resolved.
    static func absolute(_ path: String, in directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : directory + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/") where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return "/" + parts.joined(separator: "/")
    }
}

import Foundation

/// Writes a job's crash files before the run: `crash.in` from the snippets, and the `crash` wrapper.
public enum CrashPreparation {
    /// What preparation produced: the `crash.in` text and the executable snippets that failed and were skipped.
    public struct Prepared: Sendable, Equatable {
        public var input: String
        public var snippetFailures: [String]
    }

    /// Reads (and runs) the snippets of `snippetsDirectory`, writes `<jobdir>/crash.in` and `<jobdir>/crash`.
    ///
    /// `crash` is the binary the wrapper execs (the configured crash, or crash_32); `dump` and `vmlinux`
    /// are absolute or relative to the job directory (`context.jobDirectory`).
    public static func prepare(
        snippetsDirectory: String, context: SnippetContext, crash: String, dump: String, vmlinux: String,
        snippetTimeout: Duration = .seconds(60)
    ) async throws(CrashError) -> Prepared {
        let snippets = try Snippet.load(directory: snippetsDirectory)
        let resolved = await Snippet.resolve(snippets, context: context, timeout: snippetTimeout)
        let input = CrashInput.text(snippets: resolved.texts)
        let inputPath = (context.jobDirectory as NSString).appendingPathComponent(JobLayout.crashInput)
        do throws(AtomicFileError) {
            try AtomicFile.write(Data(input.utf8), to: inputPath)
        } catch {
            throw .cannotWrite(inputPath, error.reason)
        }
        try CrashWrapper.write(crash: crash, dump: dump, vmlinux: vmlinux, directory: context.jobDirectory)
        return Prepared(input: input, snippetFailures: resolved.failures)
    }
}

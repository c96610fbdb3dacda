import Foundation

/// What an executable snippet is told about the job, as `CAS_*` environment variables.
public struct SnippetContext: Sendable, Equatable {
    /// The dump's architecture (`CAS_ARCH`), e.g. `x86_64`.
    public var arch: String
    /// The dump's kernel release (`CAS_RELEASE`).
    public var release: String
    /// The job directory (`CAS_JOBDIR`), also the snippet's working directory.
    public var jobDirectory: String
    /// The case ID (`CAS_ID`).
    public var caseID: String

    public init(arch: String, release: String, jobDirectory: String, caseID: String) {
        self.arch = arch
        self.release = release
        self.jobDirectory = jobDirectory
        self.caseID = caseID
    }

    /// The variables added to the inherited environment.
    public var variables: [String: String] {
        ["CAS_ARCH": arch, "CAS_RELEASE": release, "CAS_JOBDIR": jobDirectory, "CAS_ID": caseID]
    }
}

/// The snippets turned into text: what goes into `crash.in`, and the executable snippets that failed.
public struct ResolvedSnippets: Sendable, Equatable {
    /// One text per snippet that contributed, in snippet order.
    public var texts: [String]
    /// One line per executable snippet that failed and was skipped ("60-site: exit status 2: …").
    public var failures: [String]
}

extension Snippet {
    /// Reads plain snippets and runs executable ones (in the job directory, with `CAS_*` set).
    ///
    /// A failing executable snippet (cannot start, non-zero exit, timeout) is skipped and reported in
    /// `failures`: one site extension going wrong must not cost the analyst the standard outputs.
    /// An unreadable plain snippet is reported the same way.
    public static func resolve(
        _ snippets: [Snippet], context: SnippetContext, timeout: Duration = .seconds(60)
    ) async -> ResolvedSnippets {
        var resolved = ResolvedSnippets(texts: [], failures: [])
        let environment = ProcessInfo.processInfo.environment.merging(context.variables) { _, new in new }
        for snippet in snippets {
            if !snippet.isExecutable {
                do {
                    resolved.texts.append(try String(contentsOfFile: snippet.path, encoding: .utf8))
                } catch {
                    resolved.failures.append("\(snippet.name): cannot read: \((error as NSError).localizedDescription)")
                }
                continue
            }
            let command = Command(
                snippet.path, [], environment: environment, workingDirectory: context.jobDirectory,
                timeout: timeout, output: .capture(limit: 4 << 20))
            do {
                let result = try await command.run()
                if result.succeeded {
                    resolved.texts.append(result.standardOutput)
                } else {
                    let detail = result.standardError.split(whereSeparator: \.isNewline).suffix(3)
                        .joined(separator: " | ")
                    resolved.failures.append(
                        "\(snippet.name): \(result.summary)\(detail.isEmpty ? "" : ": \(detail)") (skipped)")
                }
            } catch {
                resolved.failures.append("\(snippet.name): \(error) (skipped)")
            }
        }
        return resolved
    }
}

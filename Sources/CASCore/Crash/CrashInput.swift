/// Assembles `crash.in`, the batch of crash commands of a job.
public enum CrashInput {
    /// Commands that end a crash session; dropped from snippets so the whole batch always runs.
    static let quitCommands: Set<String> = ["exit", "q", "quit"]

    /// The text of `crash.in`: the commands of every snippet text in order, one per line, ending in `exit`.
    ///
    /// `#` comment lines and blank lines are dropped; a snippet's own `exit`/`q`/`quit` is dropped too.
    public static func text(snippets: [String]) -> String {
        let commands = snippets.flatMap(Snippet.commands(in:)).filter { !quitCommands.contains($0) }
        return (commands + ["exit"]).joined(separator: "\n") + "\n"
    }
}

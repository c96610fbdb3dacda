import Testing

@testable import CASCore

@Suite struct CrashInputTests {
    @Test func joinsSnippetCommandsInOrderEndingInExit() {
        let text = CrashInput.text(snippets: [
            "# The backtrace.\nbt >> traceback\n\n  bt -a >> traceback  \n",
            "sys >> sys",
            "",
        ])
        #expect(text == "bt >> traceback\nbt -a >> traceback\nsys >> sys\nexit\n")
    }

    @Test func dropsQuitCommandsSoTheBatchRunsToTheEnd() {
        let text = CrashInput.text(snippets: ["sys\nexit\n", "q\nlog >> log\nquit"])
        #expect(text == "sys\nlog >> log\nexit\n")
    }

    @Test func noSnippetsIsJustExit() {
        #expect(CrashInput.text(snippets: []) == "exit\n")
    }

    @Test func commentsOnlyWhenTheyStartTheLine() {
        #expect(
            Snippet.commands(in: "  # indented comment\nfoo # not a comment\r\nbar") == ["foo # not a comment", "bar"])
    }
}

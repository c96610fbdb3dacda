import CASTestSupport
import Foundation
import Testing

@testable import CASCore

@Suite struct SnippetsTests {
    typealias T = CrashTestSupport

    @Test func loadsFilesInNameOrderSkippingHiddenBackupsAndDirectories() throws {
        let dir = try TemporaryDirectory.make("cas-crash")
        for name in ["20-sys", "10-traceback", ".hidden", "30-log~", "100-late"] {
            try "sys\n".write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(atPath: dir + "/15-dir", withIntermediateDirectories: true)
        try T.writeScript(dir + "/50-site", "#!/bin/sh\necho sys\n")
        let snippets = try Snippet.load(directory: dir)
        // Byte order, as `ls` in the C locale: "10-" sorts before "100" because '-' < '0'.
        #expect(snippets.map(\.name) == ["10-traceback", "100-late", "20-sys", "50-site"])
        #expect(snippets.map(\.isExecutable) == [false, false, false, true])
        #expect(snippets[0].path == dir + "/10-traceback")
    }

    @Test func missingOrEmptyDirectoryIsAConfigurationError() throws {
        #expect(throws: CrashError.self) { try Snippet.load(directory: "/nonexistent/snippets") }
        let empty = try TemporaryDirectory.make("cas-crash")
        do {
            _ = try Snippet.load(directory: empty)
            Issue.record("no error")
        } catch {
            #expect(error.exitStatus == .configuration)
            #expect(error.description.contains(empty))
        }
    }

    @Test func executableSnippetRunsInTheJobDirectoryWithTheCASVariables() async throws {
        let snippets = try TemporaryDirectory.make("cas-crash")
        let job = try TemporaryDirectory.make("cas job $dir 'q'")
        try "bt >> traceback\n".write(toFile: snippets + "/10-plain", atomically: true, encoding: .utf8)
        try T.writeScript(
            snippets + "/20-site",
            """
            #!/bin/sh
            echo "# arch=$CAS_ARCH release=$CAS_RELEASE id=$CAS_ID"
            echo "pwd=$(pwd)" > seen
            echo "jobdir=$CAS_JOBDIR" >> seen
            echo "foreach bt >> site-$CAS_ID"
            """)
        try T.writeScript(snippets + "/30-broken", "#!/bin/sh\necho 'sys >> never'\necho oops >&2\nexit 3\n")
        let context = SnippetContext(arch: "x86_64", release: "6.1.192-tiny-pidfix", jobDirectory: job, caseID: "12345")
        let resolved = await Snippet.resolve(try Snippet.load(directory: snippets), context: context)
        #expect(resolved.texts.count == 2)
        #expect(resolved.texts[1].contains("# arch=x86_64 release=6.1.192-tiny-pidfix id=12345"))
        #expect(resolved.failures.count == 1)
        #expect(resolved.failures.first?.hasPrefix("30-broken: exit status 3: oops") == true)
        let seen = T.read(job, "seen")
        #expect(seen.contains("jobdir=\(job)\n"))
        #expect(
            seen.contains("pwd=\(URL(fileURLWithPath: job).resolvingSymlinksInPath().path)")
                || seen.contains("pwd=\(job)"))
        #expect(CrashInput.text(snippets: resolved.texts) == "bt >> traceback\nforeach bt >> site-12345\nexit\n")
    }

    @Test func hangingExecutableSnippetIsKilledAndSkipped() async throws {
        let snippets = try TemporaryDirectory.make("cas-crash")
        try T.writeScript(snippets + "/10-hang", "#!/bin/sh\necho sys\nsleep 1000 &\nwait\n")
        let context = SnippetContext(arch: "x86_64", release: "r", jobDirectory: snippets, caseID: "1")
        let start = ContinuousClock.now
        let resolved = await Snippet.resolve(
            try Snippet.load(directory: snippets), context: context, timeout: .seconds(1))
        #expect(ContinuousClock.now - start < .seconds(30))
        #expect(resolved.texts.isEmpty)
        #expect(resolved.failures == ["10-hang: timed out (skipped)"])
    }

    @Test func defaultDirectoryPrefersTheInstalledLayout() throws {
        let prefix = try TemporaryDirectory.make("cas-crash")
        try FileManager.default.createDirectory(atPath: prefix + "/bin", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: prefix + "/share/cas/snippets", withIntermediateDirectories: true)
        try T.writeScript(prefix + "/bin/cas", "#!/bin/sh\n")
        let found = Snippet.defaultDirectory(executablePath: prefix + "/bin/cas")
        #expect(
            found.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
                == URL(fileURLWithPath: prefix + "/share/cas/snippets").resolvingSymlinksInPath().path)
    }

    @Test func defaultDirectoryInADevelopmentBuildIsTheRepositorySnippets() {
        let executable = TestTools.packageRoot + "/.build/debug/cas"
        let found = Snippet.defaultDirectory(executablePath: executable)
        #expect(
            found.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
                == URL(fileURLWithPath: TestTools.packageRoot + "/Snippets").standardizedFileURL.path)
        #expect(Snippet.defaultDirectory(executablePath: "/nonexistent/bin/cas") == nil)
    }

    @Test func repositorySnippetsGiveTheIssueCommandSet() throws {
        let snippets = try Snippet.load(directory: TestTools.packageRoot + "/Snippets")
        #expect(snippets.allSatisfy { !$0.isExecutable })
        let texts = try snippets.map { try String(contentsOfFile: $0.path, encoding: .utf8) }
        #expect(
            CrashInput.text(snippets: texts) == """
                sys >> sys
                sys -c >> sys
                log >> log
                bt >> traceback
                bt -a >> traceback
                mod >> modules
                kmem -i >> memory
                kmem -s >> memory
                dev -d >> devices
                net >> net
                mount >> mount
                ps >> ps
                ps -m | grep UN >> blocked
                p nr_threads >> tasks
                help -p | grep "^ *program_version:" >> tasks
                exit

                """)
    }
}

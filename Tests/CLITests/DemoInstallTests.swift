import CASTestSupport
import Foundation
import Testing

/// The newcomer's path, end to end: `make demo` in a clean clone (with `shared` beside it), then
/// `make install DESTDIR=…` from the same clone (one release build for both). Slow: a release build of
/// a fresh clone. Set CAS_SKIP_DEMO_TESTS=1 to skip them while developing; CI runs them.
@Suite(.serialized, .timeLimit(.minutes(60)))
struct DemoInstallTests {
    static let skip = ProcessInfo.processInfo.environment["CAS_SKIP_DEMO_TESTS"] == "1"

    @Test(.disabled(if: skip, "CAS_SKIP_DEMO_TESTS=1"))
    func makeDemoRunsThePipelineOnTheRealCrash() throws {
        let clone = try DemoClone.shared()
        let output = clone.demoOutput
        #expect(output.contains("6.1.192-tiny-pidfix"), "\(output)")
        #expect(output.contains("sysrq"), "the sysrq finding: \(output)")
        #expect(output.contains("demo/work/demo-1/latest/crash"))
        #expect(output.contains("write_sysrq_trigger"), "the backtrace: \(output)")
        let job = try TestTools.sh("readlink -f \"$0\"", clone.root + "/demo/work/demo-1/latest")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(output.contains("job directory: \(job)"))
        for file in ["crash.out", "sys", "traceback", "log", "findings.txt", "job.json", "crash"] {
            #expect(FileManager.default.fileExists(atPath: job + "/" + file), "\(job)/\(file)")
        }
        let findings = (try? String(contentsOfFile: job + "/findings.txt", encoding: .utf8)) ?? ""
        #expect(findings.lowercased().contains("sysrq"))

        // A second run works too, and files a second job.
        let again = try TestTools.sh("make -C \"$0\" demo 2>&1", clone.root)
        #expect(again.contains("6.1.192-tiny-pidfix"))
        let jobs = try TestTools.sh("ls \"$0\"", clone.root + "/demo/work/demo-1").split(separator: "\n")
        #expect(jobs.count >= 3, "two job directories and latest: \(jobs)")
    }

    @Test(.disabled(if: skip, "CAS_SKIP_DEMO_TESTS=1"))
    func makeInstallLaysOutEveryFileAndUninstallRemovesThem() throws {
        let clone = try DemoClone.shared()
        let stage = clone.base + "/stage"
        try TestTools.sh("make -C \"$0\" install DESTDIR=\"$1\" PREFIX=/usr/local 2>&1", clone.root, stage)
        let p = stage + "/usr/local"
        var expected = [
            "\(p)/bin/cas", "\(p)/bin/cas-admin", "\(p)/share/cas/cas.conf", "\(stage)/etc/cas.conf",
            "\(p)/share/man/man1/cas.1", "\(p)/share/man/man8/cas-admin.8", "\(p)/share/man/man5/cas.conf.5",
            "\(p)/share/man/man5/cas-rules.5",
            "\(p)/share/bash-completion/completions/cas", "\(p)/share/bash-completion/completions/cas-admin",
            "\(p)/share/zsh/site-functions/_cas", "\(p)/share/zsh/site-functions/_cas-admin",
            "\(p)/share/fish/vendor_completions.d/cas.fish", "\(p)/share/fish/vendor_completions.d/cas-admin.fish",
        ]
        let source = clone.root
        for name in try FileManager.default.contentsOfDirectory(atPath: source + "/Snippets") {
            expected.append("\(p)/share/cas/snippets/\(name)")
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: source + "/Config/rules")
        where name.hasSuffix(".rules") {
            expected.append("\(p)/share/cas/rules/\(name)")
        }
        for unit in ["cas-purge.service", "cas-purge.timer"]
        where FileManager.default.fileExists(atPath: source + "/Config/" + unit) {
            expected.append("\(stage)/usr/local/lib/systemd/system/\(unit)")
        }
        // The cron file only where systemd is not running (CRON=auto): never both schedules.
        let systemd = FileManager.default.fileExists(atPath: "/run/systemd/system")
        #expect(
            FileManager.default.fileExists(atPath: "\(stage)/etc/cron.d/cas") == !systemd, "cron file iff no systemd")
        if !systemd { expected.append("\(stage)/etc/cron.d/cas") }
        for file in expected {
            #expect(FileManager.default.fileExists(atPath: file), "installed \(file)")
        }
        for completion in expected where completion.contains("completions") || completion.contains("site-functions") {
            let text = (try? String(contentsOfFile: completion, encoding: .utf8)) ?? ""
            #expect(text.contains("cas"), "\(completion) is a completion script")
        }

        let help = try TestTools.sh("\"$0\" --help", "\(p)/bin/cas")
        #expect(help.contains("-i") && help.contains("identify"), "\(help)")
        let adminHelp = try TestTools.sh("\"$0\" --help", "\(p)/bin/cas-admin")
        #expect(adminHelp.contains("purge"))
        for (page, name) in [("man1/cas.1", "cas"), ("man8/cas-admin.8", "cas-admin"), ("man5/cas.conf.5", "cas.conf")] {
            let text = try TestTools.sh("MANWIDTH=80 man -l \"$0\" 2>&1", "\(p)/share/man/\(page)")
            #expect(text.contains("NAME") && text.contains(name), "man -l \(page): \(text.prefix(300))")
        }
        let conf = try TestTools.sh("MANWIDTH=80 man -l \"$0\"", "\(p)/share/man/man5/cas.conf.5")
        #expect(conf.contains("workDirectory") && conf.contains("purgeLimit"))

        // An existing configuration is kept on reinstall.
        try "# mine\n".write(toFile: stage + "/etc/cas.conf", atomically: true, encoding: .utf8)
        let again = try TestTools.sh("make -C \"$0\" install DESTDIR=\"$1\" PREFIX=/usr/local 2>&1", clone.root, stage)
        #expect(again.contains("keeping existing"))
        #expect((try? String(contentsOfFile: stage + "/etc/cas.conf", encoding: .utf8)) == "# mine\n")

        try TestTools.sh("make -C \"$0\" uninstall DESTDIR=\"$1\" PREFIX=/usr/local 2>&1", clone.root, stage)
        for file in expected where !file.hasSuffix("/etc/cas.conf") {
            #expect(!FileManager.default.fileExists(atPath: file), "uninstall removes \(file)")
        }
        #expect(FileManager.default.fileExists(atPath: stage + "/etc/cas.conf"), "uninstall keeps the config")
    }
}

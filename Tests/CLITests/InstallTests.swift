import CASCore
import CASTestSupport
import Foundation
import Testing

/// `make install` into a DESTDIR and `make uninstall` out of it, with the binaries already built (INSTALL_FROM:
/// no release build here; DemoInstallTests covers the release build from a clean clone).
@Suite("make install and uninstall", .serialized)
struct InstallTests {
    func make(_ target: String, _ stage: String, _ extra: String...) throws -> String {
        try TestTools.sh(
            "make -s -C \"$0\" \"$1\" DESTDIR=\"$2\" PREFIX=/usr/local INSTALL_FROM=\"$3\" \"$4\" 2>&1",
            TestTools.packageRoot,
            target, stage, BuiltBinary.directory, extra.first ?? "CRON=0")
    }

    /// Everything under `stage`, relative, sorted.
    func contents(_ stage: String) -> [String] { JobWorld.listing(stage) }

    @Test(arguments: ["CRON=0", "CRON=1"])
    func installsUnitsAndCronOnlyOnRequestAndUninstallLeavesNothing(cron: String) throws {
        guard findExecutable("make") != nil else { return print("skipped: needs make") }
        let stage = NSTemporaryDirectory() + "cas-stage-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: stage, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: stage) }
        let output = try make("install", stage, cron)
        let files = contents(stage)
        for file in [
            "usr/local/bin/cas", "usr/local/bin/cas-admin",
            "usr/local/lib/systemd/system/cas-purge.service",
            "usr/local/lib/systemd/system/cas-purge.timer", "etc/cas.conf",
            "usr/local/share/cas/cas.conf",
            "usr/local/share/man/man5/cas.conf.5", "usr/local/share/man/man5/cas-rules.5",
            "usr/local/share/bash-completion/completions/cas-admin",
        ] {
            #expect(files.contains(file), "installed \(file): \(output)")
        }
        #expect(
            files.contains("etc/cron.d/cas") == (cron == "CRON=1"),
            "\(cron): \(files.filter { $0.contains("cron") })")
        if cron == "CRON=0" { #expect(output.contains("systemctl enable --now cas-purge.timer")) }
        let unit = JobWorld.read(stage + "/usr/local/lib/systemd/system/cas-purge.service")
        #expect(unit.contains("/usr/local/bin/cas-admin"), "\(unit)")

        // Installing again over it, then one uninstall: nothing is left, not even an empty directory.
        _ = try make("install", stage, cron)
        let removed = try make("uninstall", stage, cron)
        #expect(contents(stage).isEmpty, "left behind: \(contents(stage)) \(removed)")
    }

    @Test func uninstallKeepsAnEditedConfigurationAndDirectoriesItDidNotCreate() throws {
        guard findExecutable("make") != nil else { return print("skipped: needs make") }
        let stage = NSTemporaryDirectory() + "cas-stage-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(
            atPath: stage + "/usr/local/bin", withIntermediateDirectories: true)
        try "mine\n".write(
            toFile: stage + "/usr/local/bin/other-tool", atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: stage) }
        _ = try make("install", stage)
        try "# edited\n".write(toFile: stage + "/etc/cas.conf", atomically: true, encoding: .utf8)
        let output = try make("uninstall", stage)
        #expect(output.contains("keeping \(stage)/etc/cas.conf (edited)"))
        #expect(
            contents(stage) == [
                "etc", "etc/cas.conf", "usr", "usr/local", "usr/local/bin", "usr/local/bin/other-tool",
            ])
    }
}

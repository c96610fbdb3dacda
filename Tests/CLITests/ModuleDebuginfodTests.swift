import CASCore
import CASTestSupport
import Foundation
import Testing

/// `-m` with debuginfod: the real `cas` and the real crash on a crash-classes dump (module `faulty` loaded), an
/// empty index, and a real `debuginfod -F` on loopback serving the fixture's vmlinux and faulty.ko.
@Suite(
    .serialized,
    .enabled(
        if: findExecutable("crash") != nil && CrashClassWorld.available && DebuginfodServer.available,
        "needs crash, the crash-classes fixtures, debuginfod and libarchive-tools"))
struct ModuleDebuginfodTests {
    /// A tree with an empty index (or the loose vmlinux when `indexed`), snippets for `mod` and `bt`, and `extra`
    /// lines in [settings].
    static func tree(_ world: CrashClassWorld, indexed: Bool, extra: String = "") throws -> String {
        let base = world.dumps + "/mtree-\(UUID().uuidString.prefix(8))"
        for directory in [base + "/kernels", base + "/work", base + "/snippets"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        if indexed {
            try FileManager.default.linkItem(
                atPath: world.dumps + "/vmlinux", toPath: base + "/kernels/vmlinux-6.1.192-tiny-classes")
        }
        try CrashClassWorld.configure(base, snippets: ["10-sys": "sys >> sys\n", "40-modules": "mod >> modules\n"])
        if !extra.isEmpty {
            let conf = try String(contentsOfFile: base + "/cas.conf", encoding: .utf8)
            try (conf + extra + "\n").write(toFile: base + "/cas.conf", atomically: true, encoding: .utf8)
        }
        return base
    }

    static func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
    }

    @Test("-m fetches faulty's debug file by the build ID read from the dump, once; crash loads it")
    func moduleFetchedOnceAndLoaded() throws {
        let world = try CrashClassWorld.shared()
        let served = world.dumps + "/served-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: served) }
        try FileManager.default.linkItem(atPath: world.dumps + "/vmlinux", toPath: served + "/vmlinux")
        try TestTools.sh("xz -dc \"$0\" > \"$1\"", CrashClassWorld.source + "/faulty.ko.xz", served + "/faulty.ko")
        let moduleId = try #require(LooseVmlinux.buildId(path: served + "/faulty.ko"))
        let kernelId = try #require(LooseVmlinux.buildId(path: served + "/vmlinux"))
        let server = try DebuginfodServer(packages: served, archives: 2, scan: ["-F"])
        defer { server.stop() }
        let sink = try SMTPSink()
        defer { sink.stop() }
        let base = try Self.tree(
            world, indexed: false, extra: "debuginfodUrls = \(server.url)\nsmtphost = 127.0.0.1:\(sink.port)")
        defer { try? FileManager.default.removeItem(atPath: base) }

        let first = try JobWorld.run(
            "cas", ["-i", "mdd-1", "-m", "-f", world.dumps + "/null.kdump-d31", "-e", "m@example.com"], base: base)
        #expect(first.status == 0, "\(first.stderr)")
        let job = first.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let url = "\(server.url)/buildid/\(moduleId)/debuginfo"
        let log = JobWorld.read(job + "/mdd-1.log")
        #expect(log.contains("-m: no debug file in the index for: faulty; asking the debuginfod servers"), "\(log)")
        #expect(log.contains("-m: faulty: fetched from debuginfod by build ID \(moduleId): \(url)"), "\(log)")
        let release = "6.1.192-tiny-classes"
        let cached = "\(base)/debugs/\(release)/\(moduleId)/usr/lib/debug/lib/modules/\(release)/faulty.ko.debug"
        #expect(LooseVmlinux.buildId(path: cached) == moduleId)
        // crash's module pass loaded it: `mod -s` lists the file, and the backtrace names faulty's frame.
        let table = CrashModules.rows(inTable: JobWorld.read(job + "/" + CrashModules.tableName))
        #expect(table.last?.name == "faulty" && table.last?.objectFile == cached, "\(table)")
        #expect(JobWorld.read(job + "/" + CrashModules.inputName).contains("mod -s faulty \(cached) >> modules-debug"))
        #expect(JobWorld.read(job + "/" + CrashModules.tracebackName).contains("faulty_store_null"))
        let report = try Self.json(job + "/job.json")
        let modules = try #require(report["moduleDebuginfo"] as? [[String: Any]])
        #expect(modules.count == 1)
        #expect(modules.first?["module"] as? String == "faulty")
        #expect(modules.first?["buildId"] as? String == moduleId)
        #expect(modules.first?["buildIdFrom"] as? String == "notes", "6.1 without CONFIG_STACKTRACE_BUILD_ID")
        #expect(modules.first?["source"] as? String == url)
        #expect(modules.first?["cached"] as? Bool == false)
        let mail = try #require(try sink.messages().first)
        #expect(mail.body.contains("Module debuginfo: faulty from \(url)"), "\(mail.body)")
        #expect(server.requests(buildId: moduleId) == 1)
        #expect(server.requests(buildId: kernelId) == 1)

        let second = try JobWorld.run("cas", ["-i", "mdd-2", "-m", "-f", world.dumps + "/bug.kdump-d31"], base: base)
        #expect(second.status == 0, "\(second.stderr)")
        let secondJob = second.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let secondLog = JobWorld.read(secondJob + "/mdd-2.log")
        let again = "-m: faulty: fetched from debuginfod by build ID \(moduleId): \(url) (cached by an earlier job)"
        #expect(secondLog.contains(again), "\(secondLog)")
        #expect(CrashModules.missing(inTable: JobWorld.read(secondJob + "/" + CrashModules.tableName)).isEmpty)
        #expect(server.requests(buildId: moduleId) == 1, "the second job asked the server again")

        // cas-admin extract --build-id takes a module's build ID too: the file arrives, checked, in the cache.
        let extracted = try JobWorld.run("cas-admin", ["extract", "--build-id", moduleId], base: base)
        #expect(extracted.status == 0, "\(extracted.stderr)")
        let path = extracted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(path.hasPrefix(base + "/debugs/"))
        #expect(LooseVmlinux.buildId(path: path) == moduleId)
    }

    @Test("-m with no debuginfod server: the module is named as missing and nothing is probed or asked")
    func noServerNoProbe() throws {
        let world = try CrashClassWorld.shared()
        let base = try Self.tree(world, indexed: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let result = try JobWorld.run("cas", ["-i", "mnone-1", "-m", "-f", world.dumps + "/null.kdump-d31"], base: base)
        #expect(result.status == 0, "\(result.stderr)")
        let job = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let log = JobWorld.read(job + "/mnone-1.log")
        #expect(log.contains("-m: no debug file in the index for: faulty"), "\(log)")
        #expect(!log.contains("debuginfod"), "\(log)")
        #expect(!FileManager.default.fileExists(atPath: job + "/" + ModuleBuildIds.inputName))
        #expect(!FileManager.default.fileExists(atPath: job + "/" + CrashModules.inputName))
        #expect((try Self.json(job + "/job.json"))["moduleDebuginfo"] == nil)
    }
}

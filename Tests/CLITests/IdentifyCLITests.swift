import CASTestSupport
import Foundation
import Testing

/// `cas identify` end to end: the built binary on the real fixture dumps, plain and archived.
@Suite struct IdentifyCLITests {
    static let binaries: URL = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("cas").path), dir.path != "/" {
            dir.deleteLastPathComponent()
            let debug = dir.appendingPathComponent(".build/debug")
            if FileManager.default.isExecutableFile(atPath: debug.appendingPathComponent("cas").path) { return debug }
        }
        return dir
    }()

    static let fixtures: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent("../shared/fixtures/kernel-6.1.192-tiny").standardizedFileURL
    }()

    /// Runs a program; returns its status, stdout and stderr.
    static func run(
        _ program: String, _ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil
    ) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExitReliably()
        return (process.reliableTerminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// A temporary directory holding `vmcore` (the kdump-d31 fixture), `vmcore.tar.gz` with a text member,
    /// and `notes.tar.gz` without a dump.
    static func workspace() throws -> String {
        let dir = NSTemporaryDirectory() + "cas-identify-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let script = """
            xz -dc "$1/vmcore.kdump-d31.xz" > vmcore && echo dmesg > vmcore-dmesg.txt \
            && tar czf vmcore.tar.gz vmcore-dmesg.txt vmcore && tar czf notes.tar.gz vmcore-dmesg.txt
            """
        let result = try run("/bin/sh", ["-c", script, "sh", fixtures.path], in: dir)
        #expect(result.status == 0, "\(result.err)")
        return dir
    }

    @Test func jsonHasExactlyTheDocumentedKeys() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cas = Self.binaries.appendingPathComponent("cas").path
        let result = try Self.run(cas, ["identify", "--json", "vmcore", "vmcore.tar.gz"], in: dir)
        #expect(result.status == 0, "\(result.err)")
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [[String: Any]])
        #expect(array.count == 2)
        let keys: Set = ["path", "member", "format", "release", "version", "arch", "archSources", "conflicts",
                         "buildId", "crashTime", "nodename", "pageSize", "dumpLevel", "vmcoreinfo", "vmcoreinfoSource"]
        for object in array {
            #expect(Set(object.keys) == keys)
            #expect(object["release"] as? String == "6.1.192-tiny-pidfix")
            #expect(object["buildId"] as? String == "08874375e749a8381d73fd31b60f5b1eeae9ac3b")
            #expect(object["arch"] as? String == "x86_64")
            #expect(object["crashTime"] is NSNull)
            #expect((object["vmcoreinfo"] as? [String: String])?["OSRELEASE"] == "6.1.192-tiny-pidfix")
        }
        #expect(array[0]["member"] is NSNull)
        #expect(array[1]["member"] as? String == "vmcore")
    }

    @Test func textBlockAndWorstExitStatus() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cas = Self.binaries.appendingPathComponent("cas").path
        let good = try Self.run(cas, ["identify", "vmcore.tar.gz"], in: dir)
        #expect(good.status == 0)
        #expect(good.out.contains("member:     vmcore\n"))
        #expect(good.out.contains("release:    6.1.192-tiny-pidfix\n"))
        #expect(good.out.contains("version:    #1 SMP Wed Jan  1 00:00:00 UTC 2025\n"))
        let notDump = try Self.run(cas, ["identify", "notes.tar.gz"], in: dir)
        #expect(notDump.status == 65)
        #expect(notDump.err == "cas identify: notes.tar.gz: not a kernel crash dump: "
            + "gzip data holding a tar archive with no kernel dump in it\n")
        let mixed = try Self.run(cas, ["identify", "notes.tar.gz", "missing", "vmcore"], in: dir)
        #expect(mixed.status == 66)
        #expect(mixed.out.contains("release:    6.1.192-tiny-pidfix"))
        #expect(mixed.err.split(separator: "\n").count == 2)
    }

    /// `cas identify FILE… [--json]` is answered before ArgumentParser runs; with any other option the parser
    /// runs `cas identify` itself. Both must print and exit alike.
    @Test func theFastPathAnswersLikeTheParsedCommand() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cas = Self.binaries.appendingPathComponent("cas").path
        let conf = dir + "/cas.conf"
        try "[settings]\nkernels = \(dir)\ndebugs = \(dir)/d\nworkDirectory = \(dir)/w\ndatabase = \(dir)/cas.db\n"
            .write(toFile: conf, atomically: true, encoding: .utf8)
        for files in [["vmcore", "vmcore.tar.gz"], ["notes.tar.gz", "missing", "vmcore"]] {
            for json in [[], ["--json"]] {
                let fast = try Self.run(cas, ["identify"] + files + json, in: dir)
                let parsed = try Self.run(cas, ["identify", "--config", conf] + json + files, in: dir)
                #expect(fast.status == parsed.status)
                #expect(fast.out == parsed.out)
                #expect(fast.err == parsed.err)
                #expect(fast.out.contains("6.1.192-tiny-pidfix"))
            }
        }
        let help = try Self.run(cas, ["identify", "--help"], in: dir)
        #expect(help.status == 0 && help.out.contains("USAGE: cas identify"))
    }

    /// A plain dump is read without loading libarchive (its ten libraries are start-up time `crash --osrelease`
    /// does not pay), an archive loads it on demand; and with the built-in configuration nothing is created.
    @Test func plainDumpsLoadNoLibarchiveAndNothingIsWritten() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let home = dir + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: false)
        let cas = Self.binaries.appendingPathComponent("cas").path
        let environment = ["HOME": home, "PATH": "/usr/bin:/bin", "LD_DEBUG": "files"]
        let plain = try Self.run(cas, ["identify", "vmcore"], in: dir, environment: environment)
        #expect(plain.status == 0 && plain.out.contains("release:    6.1.192-tiny-pidfix"))
        #expect(plain.err.contains("file=libz.so"), "LD_DEBUG lists the libraries the loader opens")
        #expect(!plain.err.contains("libarchive"))
        for decompressor in ["liblzo2", "libsnappy", "libzstd"] {
            #expect(!plain.err.contains(decompressor), "\(decompressor) is loaded only for pages that need it")
        }
        let archived = try Self.run(cas, ["identify", "vmcore.tar.gz"], in: dir, environment: environment)
        #expect(archived.status == 0 && archived.out.contains("member:     vmcore"))
        #expect(archived.err.contains("file=libarchive.so.13"))
        if !FileManager.default.fileExists(atPath: "/etc/cas.conf") {
            #expect(try FileManager.default.contentsOfDirectory(atPath: home).isEmpty, "no ~/.local/share/cas")
        }
    }

    /// Without a loadable libarchive (hidden by a bind mount in a private mount namespace), archives fail with
    /// one line and the configuration status, and plain dumps, which never need it, are still identified.
    @Test func withoutLibarchiveOnlyArchivesFail() throws {
        let library = URL(fileURLWithPath: "/lib/x86_64-linux-gnu/libarchive.so.13").resolvingSymlinksInPath().path
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare"),
            FileManager.default.fileExists(atPath: library),
            (try? Self.run("/usr/bin/unshare", ["--mount", "true"]))?.status == 0
        else {
            print("skipped: needs root, unshare(1) and \(library)")
            return
        }
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cas = Self.binaries.appendingPathComponent("cas").path
        let script = #"mount --bind /dev/null "$1" && shift && exec "$@""#
        let result = try Self.run(
            "/usr/bin/unshare", ["--mount", "sh", "-c", script, "sh", library, cas, "identify", "vmcore.tar.gz", "vmcore"],
            in: dir)
        #expect(result.status == 78, "configuration or installation error: \(result.err)")
        let errors = result.err.split(separator: "\n")
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("cas identify: vmcore.tar.gz: cannot read archives: ") == true)
        #expect(errors.first?.contains("libarchive.so.13") == true, "the versioned library's error is the one named")
        #expect(result.err.contains("(install libarchive13)"))
        #expect(result.out.hasPrefix("file:       vmcore\n"), "no separator before the first block printed")
        #expect(result.out.contains("release:    6.1.192-tiny-pidfix"))
    }

    @Test func agreesWithCrashOSRelease() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/crash") else {
            print("skipped: crash is not installed")
            return
        }
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let crash = try Self.run("/usr/bin/crash", ["--osrelease", "vmcore"], in: dir)
        let ours = try Self.run(Self.binaries.appendingPathComponent("cas").path, ["identify", "--json", "vmcore"], in: dir)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(ours.out.utf8)) as? [[String: Any]])
        #expect(array.first?["release"] as? String == crash.out.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

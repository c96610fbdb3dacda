import CASTestSupport
import Foundation
import Testing

/// `cas identify` end to end: the built binary on the real fixture dumps, plain and archived.
@Suite struct IdentifyCLITests {
    /// A temporary directory holding `vmcore` (the kdump-d31 fixture), `vmcore.tar.gz` with a text member,
    /// and `notes.tar.gz` without a dump.
    static func workspace() throws -> String {
        let dir = try TemporaryDirectory.make("cas-identify-cli")
        let script = """
            cp "$1" vmcore && echo dmesg > vmcore-dmesg.txt \
            && tar czf vmcore.tar.gz vmcore-dmesg.txt vmcore && tar czf notes.tar.gz vmcore-dmesg.txt
            """
        let result = try TestTools.execute("/bin/sh", ["-c", script, "sh", try Fixtures.path("vmcore.kdump-d31")], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        return dir
    }

    @Test func jsonHasExactlyTheDocumentedKeys() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cas = BuiltBinary.path("cas")
        let result = try TestTools.execute(cas, ["identify", "--json", "vmcore", "vmcore.tar.gz"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
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
        let cas = BuiltBinary.path("cas")
        let good = try TestTools.execute(cas, ["identify", "vmcore.tar.gz"], in: dir)
        #expect(good.status == 0)
        #expect(good.stdout.contains("member:     vmcore\n"))
        #expect(good.stdout.contains("release:    6.1.192-tiny-pidfix\n"))
        #expect(good.stdout.contains("version:    #1 SMP Wed Jan  1 00:00:00 UTC 2025\n"))
        let notDump = try TestTools.execute(cas, ["identify", "notes.tar.gz"], in: dir)
        #expect(notDump.status == 65)
        #expect(notDump.stderr == "cas identify: notes.tar.gz: not a kernel crash dump: "
            + "gzip data holding a tar archive with no kernel dump in it\n")
        let mixed = try TestTools.execute(cas, ["identify", "notes.tar.gz", "missing", "vmcore"], in: dir)
        #expect(mixed.status == 66)
        #expect(mixed.stdout.contains("release:    6.1.192-tiny-pidfix"))
        #expect(mixed.stderr.split(separator: "\n").count == 2)
    }

    /// `cas identify FILE… [--json]` is answered before ArgumentParser runs; with any other option the parser
    /// runs `cas identify` itself. Both must print and exit alike.
    @Test func theFastPathAnswersLikeTheParsedCommand() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cas = BuiltBinary.path("cas")
        let conf = dir + "/cas.conf"
        try "[settings]\nkernels = \(dir)\ndebugs = \(dir)/d\nworkDirectory = \(dir)/w\ndatabase = \(dir)/cas.db\n"
            .write(toFile: conf, atomically: true, encoding: .utf8)
        for files in [["vmcore", "vmcore.tar.gz"], ["notes.tar.gz", "missing", "vmcore"]] {
            for json in [[], ["--json"]] {
                let fast = try TestTools.execute(cas, ["identify"] + files + json, in: dir)
                let parsed = try TestTools.execute(cas, ["identify", "--config", conf] + json + files, in: dir)
                #expect(fast.status == parsed.status)
                #expect(fast.stdout == parsed.stdout)
                #expect(fast.stderr == parsed.stderr)
                #expect(fast.stdout.contains("6.1.192-tiny-pidfix"))
            }
        }
        let help = try TestTools.execute(cas, ["identify", "--help"], in: dir)
        #expect(help.status == 0 && help.stdout.contains("USAGE: cas identify"))
    }

    /// A plain dump is read without loading libarchive (its ten libraries are start-up time `crash --osrelease`
    /// does not pay), an archive loads it on demand; and with the built-in configuration nothing is created.
    @Test func plainDumpsLoadNoLibarchiveAndNothingIsWritten() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let home = dir + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: false)
        let cas = BuiltBinary.path("cas")
        let environment = ["HOME": home, "PATH": "/usr/bin:/bin", "LD_DEBUG": "files"]
        let plain = try TestTools.execute(cas, ["identify", "vmcore"], in: dir, environment: environment)
        #expect(plain.status == 0 && plain.stdout.contains("release:    6.1.192-tiny-pidfix"))
        #expect(plain.stderr.contains("file=libz.so"), "LD_DEBUG lists the libraries the loader opens")
        #expect(!plain.stderr.contains("libarchive"))
        for decompressor in ["liblzo2", "libsnappy", "libzstd"] {
            #expect(!plain.stderr.contains(decompressor), "\(decompressor) is loaded only for pages that need it")
        }
        let archived = try TestTools.execute(cas, ["identify", "vmcore.tar.gz"], in: dir, environment: environment)
        #expect(archived.status == 0 && archived.stdout.contains("member:     vmcore"))
        #expect(archived.stderr.contains("file=libarchive.so.13"))
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
            (try? TestTools.execute("/usr/bin/unshare", ["--mount", "true"]))?.status == 0
        else {
            print("skipped: needs root, unshare(1) and \(library)")
            return
        }
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cas = BuiltBinary.path("cas")
        let script = #"mount --bind /dev/null "$1" && shift && exec "$@""#
        let result = try TestTools.execute(
            "/usr/bin/unshare", ["--mount", "sh", "-c", script, "sh", library, cas, "identify", "vmcore.tar.gz", "vmcore"],
            in: dir)
        #expect(result.status == 78, "configuration or installation error: \(result.stderr)")
        let errors = result.stderr.split(separator: "\n")
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("cas identify: vmcore.tar.gz: cannot read archives: ") == true)
        #expect(errors.first?.contains("libarchive.so.13") == true, "the versioned library's error is the one named")
        #expect(result.stderr.contains("(install libarchive13)"))
        #expect(result.stdout.hasPrefix("file:       vmcore\n"), "no separator before the first block printed")
        #expect(result.stdout.contains("release:    6.1.192-tiny-pidfix"))
    }

    @Test func agreesWithCrashOSRelease() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/crash") else {
            print("skipped: crash is not installed")
            return
        }
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let crash = try TestTools.execute("/usr/bin/crash", ["--osrelease", "vmcore"], in: dir)
        let ours = try TestTools.execute(BuiltBinary.path("cas"), ["identify", "--json", "vmcore"], in: dir)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(ours.stdout.utf8)) as? [[String: Any]])
        #expect(array.first?["release"] as? String == crash.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

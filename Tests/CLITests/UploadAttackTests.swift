import CASCore
import CASTestSupport
import Foundation
import Testing

/// The attack review's cases against the real `cas` and `cas-admin`, with uploads and packages made by the
/// real tools (tar, gzip, dpkg's ar layout, Python's tarfile for hand-made members). Each runs with the
/// casuser root and with a dedicated non-root casuser (tests run as root in CI; elsewhere, root-only
/// cases say so and return). For each: the upload's bytes and inode unchanged, nothing written outside the
/// job and the cache, the clear message and the exit status.
@Suite(
    .serialized,
    .enabled(if: findExecutable("crash") != nil && findExecutable("rpmbuild") != nil, "needs crash and rpm"))
struct UploadAttackTests {
    /// An upload named like the job's own files, hard-linked into the job (same file system, writable by
    /// the casuser): crash's commands, its output and the snippet outputs go to CAS's own files; the upload
    /// stays byte- and inode-identical and sits under `input/`.
    @Test(arguments: AttackWorld.casusers)
    func anUploadNamedLikeAJobFileIsNeverWritten(casuser: AttackWorld.Casuser) throws {
        let fixtures = try JobWorld.fixtures()
        let base = try AttackWorld.tree(casuser)
        defer { try? FileManager.default.removeItem(atPath: base) }
        for (n, name) in ["crash.in", "sys"].enumerated() {
            let upload = base + "/uploads/" + name
            try FileManager.default.copyItem(atPath: fixtures + "/vmcore.kdump-zlib", toPath: upload)
            try AttackWorld.own(upload, casuser)
            let before = try AttackWorld.Fingerprint(upload)
            let result = try JobWorld.run("cas", ["-i", "named-\(n)", "-f", upload], base: base)
            #expect(result.status == 0, "\(name): \(result.stderr)")
            #expect(try AttackWorld.Fingerprint(upload) == before, "\(name): the upload changed")
            let job = try AttackWorld.job(base, "named-\(n)")
            var linked = stat()
            #expect(stat(job + "/input/" + name, &linked) == 0 && UInt64(linked.st_ino) == before.inode,
                    "\(name): the upload is linked under input/")
            #expect(JobWorld.read(job + "/crash.in").hasSuffix("exit\n"), "crash.in holds the commands")
            #expect(JobWorld.read(job + "/sys").contains("RELEASE: \(JobWorld.release)"), "sys is crash's output")
        }
    }

    /// Members named `sys`, `traceback`, `log`, `job.json`, `NOPURGE`, `crash.in` and `findings.txt` beside
    /// the dump stay customer files under `input/`: the findings, the job record and purge never see them.
    @Test(arguments: AttackWorld.casusers)
    func archiveMembersNeverStandInForTheJobsFiles(casuser: AttackWorld.Casuser) throws {
        let fixtures = try JobWorld.fixtures()
        let base = try AttackWorld.tree(casuser)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let stage = base + "/stage"
        try FileManager.default.createDirectory(atPath: stage, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixtures + "/vmcore.kdump-zlib", toPath: stage + "/vmcore")
        let spoof = "Panic: SPOOFED by the upload\n"
        for name in ["sys", "traceback", "log", "crash.in", "findings.txt"] {
            try spoof.write(toFile: stage + "/" + name, atomically: true, encoding: .utf8)
        }
        try #"{"error": "SPOOFED", "mail": "sent", "extra": 1}"#.write(
            toFile: stage + "/job.json", atomically: true, encoding: .utf8)
        try "".write(toFile: stage + "/NOPURGE", atomically: true, encoding: .utf8)
        let upload = base + "/uploads/case.tar.gz"
        try TestTools.sh("cd \"$0\" && tar czf \"$1\" vmcore sys traceback log crash.in findings.txt job.json NOPURGE",
                        stage, upload)
        try AttackWorld.own(upload, casuser)
        let before = try AttackWorld.Fingerprint(upload)
        let result = try JobWorld.run("cas", ["-i", "members", "-f", upload], base: base)
        #expect(result.status == 0, "\(result.stderr)")
        let job = try AttackWorld.job(base, "members")
        for name in ["findings.txt", "job.json", "sys", "traceback", "log", "crash.in"] {
            #expect(!JobWorld.read(job + "/" + name).contains("SPOOFED"), "\(name) carries the upload's text")
            #expect(JobWorld.read(job + "/input/" + name).contains("SPOOFED"), "input/\(name) is the member")
        }
        #expect(!FileManager.default.fileExists(atPath: job + "/NOPURGE"), "an uploaded NOPURGE counts for nothing")
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: job + "/job.json")))
        let keys = (record as? [String: Any]) ?? [:]
        #expect(keys["extra"] == nil && keys["error"] == nil, "job.json merged the member: \(keys.keys.sorted())")
        #expect(try AttackWorld.Fingerprint(upload) == before)
        // Old enough, the job is purged: the uploaded NOPURGE does not keep it.
        let purged = try JobWorld.run("cas-admin", ["purge", "--days", "0", "--yes"], base: base)
        #expect(purged.status == 0, "\(purged.stderr)")
        #expect(!FileManager.default.fileExists(atPath: job), "the job was kept by an uploaded NOPURGE")
    }

    /// A dump whose release is a path (`../../…`) or carries terminal escapes is refused before any path is
    /// built from it; the message names the file, shows the value escaped, and nothing appears outside.
    @Test(arguments: AttackWorld.casusers)
    func aReleaseFromTheDumpNeverChoosesAPath(casuser: AttackWorld.Casuser) throws {
        let fixtures = try JobWorld.fixtures()
        let base = try AttackWorld.tree(casuser)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let marker = "cas" + String(format: "%03d", getpid() % 1000)
        let traversal = "../../../tmp/" + marker  // 19 bytes, as long as the real release
        let escapes = "\u{1b}]0;pwn\u{07}\u{1b}[2Jabcdefg"
        for (n, release) in [traversal, escapes].enumerated() {
            let upload = base + "/uploads/vmcore-\(n)"
            try AttackWorld.dumpWithRelease(fixtures + "/vmcore.kdump-d31", release, to: upload)
            try AttackWorld.own(upload, casuser)
            let before = try AttackWorld.Fingerprint(upload)
            let identify = try JobWorld.run("cas", ["identify", upload], base: base)
            #expect(identify.status == ExitStatus.badInput.rawValue, "\(identify.stderr)")
            #expect(identify.stderr.contains(upload) && identify.stderr.contains("is not a release name"))
            #expect(!identify.stderr.contains("\u{1b}") && !identify.stderr.contains("\u{07}"), "raw escapes printed")
            let job = try JobWorld.run("cas", ["-i", "release-\(n)", "-f", upload], base: base)
            #expect(job.status == ExitStatus.badInput.rawValue, "\(job.stderr)")
            #expect(!job.stderr.contains("\u{1b}"), "raw escapes printed")
            let log = JobWorld.read(try AttackWorld.job(base, "release-\(n)") + "/release-\(n).log")
            #expect(!log.contains("\u{1b}") && log.contains("is not a release name"), "\(log)")
            #expect(try AttackWorld.Fingerprint(upload) == before)
        }
        #expect(AttackWorld.strays(marker).isEmpty, "written outside: \(AttackWorld.strays(marker))")
        #expect(!FileManager.default.fileExists(atPath: base + "/debugs/tmp"))
    }

    /// A debug .deb whose md5sums and data.tar name the vmlinux `../../…/usr/lib/debug/boot/vmlinux-…` is
    /// reported and skipped by `cas-admin -b`: it is never indexed, so nothing extracts it anywhere.
    @Test(arguments: AttackWorld.casusers)
    func aPackageMemberPathNeverLeavesTheCache(casuser: AttackWorld.Casuser) throws {
        let fixtures = try JobWorld.fixtures()
        let base = try AttackWorld.tree(casuser)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let marker = "casdeb\(getpid() % 100000)"
        let deb = base + "/kernels/linux-image-\(JobWorld.release)-dbg_1_amd64.deb"
        let script = """
            import io, sys, tarfile, hashlib
            vmlinux, out, marker, release = sys.argv[1:5]
            member = './../../../../../tmp/%s/usr/lib/debug/boot/vmlinux-%s' % (marker, release)
            data = open(vmlinux, 'rb').read()
            def tar(entries):
                buf = io.BytesIO()
                with tarfile.open(fileobj=buf, mode='w:gz') as t:
                    for name, content in entries:
                        info = tarfile.TarInfo(name); info.size = len(content); info.mode = 0o644
                        t.addfile(info, io.BytesIO(content))
                return buf.getvalue()
            md5 = ('%s  %s\\n' % (hashlib.md5(data).hexdigest(), member[2:])).encode()
            control = b'Package: linux-image-%s-dbg\\nVersion: 1\\nArchitecture: amd64\\n' % release.encode()
            members = [(b'debian-binary', b'2.0\\n'), (b'control.tar.gz', tar([('./control', control), ('./md5sums', md5)])),
                       (b'data.tar.gz', tar([(member, data)]))]
            with open(out, 'wb') as f:
                f.write(b'!<arch>\\n')
                for name, content in members:
                    f.write(b'%-16s%-12d%-6d%-6d%-8s%-10d`\\n' % (name, 0, 0, 0, b'100644', len(content)))
                    f.write(content + (b'\\n' if len(content) % 2 else b''))
            """
        try TestTools.sh("python3 -c \"$0\" \"$1\" \"$2\" \"$3\" \"$4\"", script, fixtures + "/vmlinux", deb, marker,
                        "6.1.192-evil")
        try AttackWorld.own(deb, casuser)
        let built = try JobWorld.run("cas-admin", ["-b", "-v"], base: base)
        #expect(built.stderr.contains("unsafe member path") && built.stderr.contains(deb), "\(built.stderr)")
        let kernels = try JobWorld.run("cas-admin", ["list", "kernels", "--json"], base: base)
        #expect(!kernels.stdout.contains("6.1.192-evil"), "the package was indexed")
        let extract = try JobWorld.run("cas-admin", ["extract", "6.1.192-evil"], base: base)
        #expect(extract.status != 0)
        #expect(AttackWorld.strays(marker).isEmpty, "written outside: \(AttackWorld.strays(marker))")
    }

    /// A symlink (or someone else's directory) at `<workDirectory>/<ID>` never receives the job or the dump.
    @Test(arguments: AttackWorld.casusers)
    func aPlantedIDDirectoryNeverReceivesTheJob(casuser: AttackWorld.Casuser) throws {
        let fixtures = try JobWorld.fixtures()
        let base = try AttackWorld.tree(casuser)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let elsewhere = base + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        chmod(elsewhere, 0o777)
        try FileManager.default.createSymbolicLink(atPath: base + "/work/planted", withDestinationPath: elsewhere)
        let upload = base + "/uploads/vmcore"
        try FileManager.default.copyItem(atPath: fixtures + "/vmcore.kdump-zlib", toPath: upload)
        try AttackWorld.own(upload, casuser)
        let before = try AttackWorld.Fingerprint(upload)
        let result = try JobWorld.run("cas", ["-i", "planted", "-f", upload], base: base)
        #expect(result.status == ExitStatus.cannotWrite.rawValue, "\(result.stderr)")
        #expect(result.stderr.contains("refusing"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
        #expect(try AttackWorld.Fingerprint(upload) == before)
        // A work directory anyone may write (without the sticky bit) is refused outright.
        chmod(base + "/work", 0o777)
        let open = try JobWorld.run("cas", ["-i", "open-work", "-f", upload], base: base)
        #expect(open.status == ExitStatus.cannotWrite.rawValue && open.stderr.contains("writable by others"))
        let check = try JobWorld.run("cas-admin", ["check"], base: base)
        #expect(check.stdout.contains("writable by others"), "\(check.stdout)")
    }

    /// Odd but legitimate uploads: an empty member after the dump; refused at once: a FIFO, a directory; an
    /// ID that could read as an option.
    @Test(arguments: AttackWorld.casusers)
    func oddUploadsWorkOrFailAtOnce(casuser: AttackWorld.Casuser) throws {
        let fixtures = try JobWorld.fixtures()
        let base = try AttackWorld.tree(casuser)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let stage = base + "/stage"
        try FileManager.default.createDirectory(atPath: stage, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixtures + "/vmcore.kdump-zlib", toPath: stage + "/vmcore")
        try "".write(toFile: stage + "/vmcore-dmesg.txt", atomically: true, encoding: .utf8)
        let upload = base + "/uploads/with-empty.tar"
        try TestTools.sh("cd \"$0\" && tar cf \"$1\" vmcore vmcore-dmesg.txt", stage, upload)
        try AttackWorld.own(upload, casuser)
        let result = try JobWorld.run("cas", ["-i", "empty-member", "-f", upload], base: base)
        #expect(result.status == 0, "\(result.stderr)")
        let job = try AttackWorld.job(base, "empty-member")
        #expect(FileSystem.size(job + "/input/vmcore-dmesg.txt") == 0)

        let fifo = base + "/uploads/fifo"
        #expect(mkfifo(fifo, 0o644) == 0)
        try AttackWorld.own(fifo, casuser)
        let identify = try JobWorld.run("cas", ["identify", fifo], base: base)
        #expect(identify.status == ExitStatus.noInput.rawValue && identify.stderr.contains("is a FIFO"))
        let job66 = try JobWorld.run("cas", ["-i", "fifo", "-f", fifo], base: base)
        #expect(job66.status == ExitStatus.noInput.rawValue && job66.stderr.contains("is a FIFO"), "\(job66.stderr)")
        let directory = try JobWorld.run("cas", ["identify", base + "/uploads"], base: base)
        #expect(directory.status == ExitStatus.noInput.rawValue && directory.stderr.contains("is a directory"))
        let option = try JobWorld.run("cas", ["--identifier=-rf", "-f", upload], base: base)
        #expect(option.status == ExitStatus.usage.rawValue && option.stderr.contains("letter or a digit"))
    }

    /// Members beside the dump are bounded: a real-data bomb (over maxExtraRatio once past 16 MiB) and members
    /// over maxExtraSize together refuse the upload, with nothing of it kept.
    @Test(arguments: AttackWorld.casusers)
    func bombsBesideTheDumpAreRefused(casuser: AttackWorld.Casuser) throws {
        let fixtures = try JobWorld.fixtures()
        let base = try AttackWorld.tree(casuser)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let stage = base + "/stage"
        try FileManager.default.createDirectory(atPath: stage, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixtures + "/vmcore.kdump-zlib", toPath: stage + "/vmcore")
        // Text, not zeros: a log line repeated compresses a few hundred times with gzip.
        try TestTools.sh(
            "cd \"$0\" && yes '[ 1.000000] usb 1-1: new high-speed USB device number 2 using ehci-pci' | head -c 48M > big.log"
                + " && gzip -9 -k big.log && head -c 3M /dev/urandom > noise.bin",
            stage)
        let bomb = base + "/uploads/bomb.tar"
        try TestTools.sh("cd \"$0\" && tar cf \"$1\" vmcore big.log.gz", stage, bomb)
        let big = base + "/uploads/big.tar"
        try TestTools.sh("cd \"$0\" && tar cf \"$1\" vmcore noise.bin", stage, big)
        try AttackWorld.own(base + "/uploads", casuser)
        let ratio = try JobWorld.run("cas", ["-i", "bomb", "-f", bomb], base: base)
        #expect(ratio.status == ExitStatus.badInput.rawValue && ratio.stderr.contains("maxExtraRatio"), "\(ratio.stderr)")
        #expect(!FileManager.default.fileExists(atPath: try AttackWorld.job(base, "bomb") + "/input"))
        try Robustness.configure(base, "[advanced]\nmaxExtraSize = 2M")
        let size = try JobWorld.run("cas", ["-i", "big", "-f", big], base: base)
        #expect(size.status == ExitStatus.badInput.rawValue && size.stderr.contains("maxExtraSize"), "\(size.stderr)")
        #expect(!FileManager.default.fileExists(atPath: try AttackWorld.job(base, "big") + "/input"))
    }

    /// A member name carrying a newline and an escape cannot inject a line into the job log or the terminal,
    /// in the "refusing unsafe entry" message itself.
    @Test(arguments: AttackWorld.casusers)
    func textFromAnUploadIsEscapedWhereverItIsPrinted(casuser: AttackWorld.Casuser) throws {
        let base = try AttackWorld.tree(casuser)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let upload = base + "/uploads/inject.tar"
        let script = """
            import io, sys, tarfile
            with tarfile.open(sys.argv[1], 'w') as t:
                info = tarfile.TarInfo('x\\n2026-01-01 00:00:00.000 INFO INJECTED\\u001b[2J/../../../etc/passwd')
                info.size = 4
                t.addfile(info, io.BytesIO(b'evil'))
            """
        try TestTools.sh("python3 -c \"$0\" \"$1\"", script, upload)
        try AttackWorld.own(upload, casuser)
        let result = try JobWorld.run("cas", ["-i", "inject", "-f", upload], base: base)
        #expect(result.status == ExitStatus.badInput.rawValue, "\(result.stderr)")
        #expect(!result.stderr.contains("\u{1b}"), "a raw escape reached the terminal")
        #expect(result.stderr.contains("\\nINJECTED") || result.stderr.contains("\\n2026"), "\(result.stderr)")
        let log = JobWorld.read(try AttackWorld.job(base, "inject") + "/inject.log")
        let injected = log.split(separator: "\n").filter { $0.hasPrefix("2026-01-01 00:00:00.000 INFO INJECTED") }
        #expect(injected.isEmpty && !log.contains("\u{1b}"), "\(log)")
    }

    /// Root reads only root's configuration and runs only root's programs; both tools drop to the casuser
    /// before touching the database, which is created 0640 and owned by the casuser; casuser root warns.
    @Test func rootTrustsOnlyRootsFiles() throws {
        guard let user = AttackWorld.dedicatedUser else {
            print("skipped: needs root and useradd")
            return
        }
        let fixtures = try JobWorld.fixtures()
        let base = try AttackWorld.tree(.dedicated)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let upload = base + "/uploads/vmcore"
        try FileManager.default.copyItem(atPath: fixtures + "/vmcore.kdump-zlib", toPath: upload)
        try AttackWorld.own(upload, .dedicated)
        let conf = base + "/cas.conf"
        // The casuser's own copy of the configuration: root refuses it.
        let theirs = base + "/theirs.conf"
        try FileManager.default.copyItem(atPath: conf, toPath: theirs)
        try AttackWorld.own(theirs, .dedicated)
        for tool in ["cas", "cas-admin"] {
            let arguments = tool == "cas" ? ["-i", "trust", "-f", upload] : ["list", "jobs"]
            let refused = try JobWorld.run(tool, arguments + ["--config", theirs], base: base, withConfig: false)
            #expect(refused.status == ExitStatus.configuration.rawValue, "\(tool): \(refused.stderr)")
            #expect(refused.stderr.contains("owned by \(user), not root"), "\(tool): \(refused.stderr)")
        }
        // A crash program someone else can change is never run by root.
        let evilDirectory = base + "/evil"
        try FileManager.default.createDirectory(atPath: evilDirectory, withIntermediateDirectories: true)
        let marker = base + "/evil-ran"
        try "#!/bin/sh\ntouch \(marker)\nexit 1\n".write(toFile: evilDirectory + "/crash", atomically: true, encoding: .utf8)
        chmod(evilDirectory + "/crash", 0o755)
        try AttackWorld.own(evilDirectory, .dedicated)
        try Robustness.configure(base, "[advanced]\ncrash = \(evilDirectory)/crash")
        let evil = try JobWorld.run("cas", ["-i", "evil", "-f", upload], base: base)
        #expect(evil.status == ExitStatus.configuration.rawValue && evil.stderr.contains("crash program"), "\(evil.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker), "root ran the casuser's program")
        try Robustness.resetConfig(base)
        // cas-admin as root works as the casuser: the database it creates is the casuser's, 0640 (WAL too).
        try TestTools.sh("rm -f \"$0\"/state/cas.db*", base)
        let built = try JobWorld.run("cas-admin", ["-b"], base: base)
        #expect(built.status == 0, "\(built.stderr)")
        let uid = try #require(getpwnam(user)).pointee.pw_uid
        #expect(FileManager.default.fileExists(atPath: base + "/state/cas.db"))
        for name in ["cas.db", "cas.db-wal"] {
            var st = stat()
            guard stat(base + "/state/" + name, &st) == 0 else { continue }
            #expect(st.st_uid == uid && st.st_mode & 0o777 == 0o640, "\(name): uid \(st.st_uid) mode \(String(st.st_mode & 0o777, radix: 8))")
        }
        let job = try JobWorld.run("cas", ["-i", "after-build", "-f", upload], base: base)
        #expect(job.status == 0, "jobs as the casuser can use the database: \(job.stderr)")
        // casuser root works, and says so on every run.
        let rootBase = try AttackWorld.tree(.root)
        defer { try? FileManager.default.removeItem(atPath: rootBase) }
        let listed = try JobWorld.run("cas-admin", ["list", "jobs"], base: rootBase)
        #expect(listed.status == 0 && listed.stderr.contains("casuser is root"), "\(listed.stderr)")
    }

    /// A NOPURGE made while purge waits at its [y/N] prompt keeps the job: purge checks it again under the
    /// job's lock right before removing it. Runs `cas-admin purge` on a pseudo-terminal (Python's pty).
    @Test func aNOPURGEMadeAtThePromptIsHonoured() throws {
        let fixtures = try JobWorld.fixtures()
        let base = try AttackWorld.tree(.root)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let upload = base + "/uploads/vmcore"
        try FileManager.default.copyItem(atPath: fixtures + "/vmcore.kdump-zlib", toPath: upload)
        #expect(try JobWorld.run("cas", ["-i", "keepme", "-f", upload], base: base).status == 0)
        let job = try AttackWorld.job(base, "keepme")
        let script = """
            import os, pty, sys, time
            binary, conf, marker = sys.argv[1:4]
            pid, fd = pty.fork()
            if pid == 0:
                os.execv(binary, [binary, 'purge', '--days', '0', '--config', conf])
            seen = b''
            deadline = time.monotonic() + 120
            while b'[y/N]' not in seen and time.monotonic() < deadline:
                seen += os.read(fd, 4096)
            open(marker, 'w').close()
            os.write(fd, b'y\\n')
            while True:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
            _, status = os.waitpid(pid, 0)
            sys.stdout.write(seen.decode(errors='replace'))
            sys.exit(os.WEXITSTATUS(status))
            """
        let output = try TestTools.sh("python3 -c \"$0\" \"$1\" \"$2\" \"$3\"", script,
                                     BuiltBinary.path("cas-admin"), base + "/cas.conf", job + "/NOPURGE")
        #expect(output.contains("[y/N]"), "\(output)")
        #expect(FileManager.default.fileExists(atPath: job + "/crash.in"), "the job was purged: \(output)")
    }
}

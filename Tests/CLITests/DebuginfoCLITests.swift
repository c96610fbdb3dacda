import CASCore
import CASTestSupport
import Foundation
import Testing

@Suite("cas-admin -b, list kernels and extract, end to end")
struct DebuginfoCLITests {
    @Test("-b indexes RPMs and ddebs, reports a corrupt package and exits 0; list kernels shows them")
    func build() throws {
        try #require(DebuginfoCLI.hasTool("rpmbuild") && DebuginfoCLI.hasTool("dpkg-deb"))
        let base = try DebuginfoCLI.tree()
        let rpm = try DebuginfoCLI.package("rpm", "xz")
        let ddeb = try DebuginfoCLI.package("deb", "zstd", ddeb: true)
        try FileManager.default.createDirectory(atPath: base + "/kernels/ubuntu", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: rpm, toPath: base + "/kernels/" + (rpm as NSString).lastPathComponent)
        try FileManager.default.createSymbolicLink(
            atPath: base + "/kernels/ubuntu/" + (ddeb as NSString).lastPathComponent, withDestinationPath: ddeb)
        let corrupt = base + "/kernels/kernel-debuginfo-1.0-1.x86_64.rpm"
        try Data([0xed, 0xab, 0xee, 0xdb] + [UInt8](repeating: 0, count: 200)).write(to: URL(fileURLWithPath: corrupt))

        let first = try DebuginfoCLI.run(["-b"], base: base)
        #expect(first.status == 0)
        #expect(first.stdout.hasPrefix("2 packages: 2 new, 0 changed, 0 removed, 1 unreadable; 2 kernels; "))
        #expect(first.stderr.contains("skipped \(corrupt): bad signature header at byte 96"))

        let second = try DebuginfoCLI.run(["build"], base: base)
        #expect(second.stdout.hasPrefix("2 packages: 0 new, 0 changed, 0 removed, 1 unreadable; 2 kernels; "))
        let full = try DebuginfoCLI.run(["build", "--full"], base: base)
        #expect(full.stdout.hasPrefix("2 packages: 0 new, 2 changed, "))
        let flagFull = try DebuginfoCLI.run(["-b", "--full"], base: base)
        #expect(flagFull.stdout.hasPrefix("2 packages: 0 new, 2 changed, "))

        let list = try DebuginfoCLI.run(["list", "kernels"], base: base)
        #expect(list.status == 0)
        #expect(list.stdout.contains("08874375e749a8381d73fd31b60f5b1eeae9ac3b  kernel-debuginfo  \(base)/kernels/"))
        let json = try DebuginfoCLI.run(["list", "kernels", "--json"], base: base)
        let rows = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 2)
        #expect(Set(rows.compactMap { $0["kind"] as? String }) == ["rpm", "deb"])
        #expect(
            rows.allSatisfy { $0["release"] as? String == DebuginfoCLI.release && $0["arch"] as? String == "x86_64" })
    }

    @Test("an emptied kernels directory (an unmounted share) keeps the index; --allow-empty clears it")
    func emptyKernelsKeepsTheIndex() throws {
        try #require(DebuginfoCLI.hasTool("rpmbuild"))
        let base = try DebuginfoCLI.tree()
        let rpm = try DebuginfoCLI.package("rpm", "xz")
        let indexed = base + "/kernels/" + (rpm as NSString).lastPathComponent
        try FileManager.default.copyItem(atPath: rpm, toPath: indexed)
        #expect(try DebuginfoCLI.run(["-b"], base: base).status == 0)
        try FileManager.default.removeItem(atPath: indexed)
        let refused = try DebuginfoCLI.run(["-b"], base: base)
        #expect(refused.status == ExitStatus.noInput.rawValue, "\(refused.stderr)")
        #expect(refused.stderr.contains("holds no packages, but the index has 1") && refused.stderr.contains("--allow-empty"))
        let kept = try DebuginfoCLI.run(["list", "kernels", "--json"], base: base)
        #expect(kept.stdout.contains(DebuginfoCLI.release), "the index was emptied")
        let cleared = try DebuginfoCLI.run(["-b", "--allow-empty"], base: base)
        #expect(cleared.status == 0 && cleared.stdout.hasPrefix("0 packages: 0 new, 0 changed, 1 removed"), "\(cleared.stdout)")
    }

    @Test("a deb made with plain dpkg-deb --build (no md5sums) is indexed from its data.tar; one without a vmlinux is counted and listed with -v")
    func debWithoutMd5sums() throws {
        try #require(DebuginfoCLI.hasTool("dpkg-deb"))
        let base = try DebuginfoCLI.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let vmlinux = try Fixtures.path("vmlinux")
        let release = DebuginfoCLI.release
        let script = """
            set -e
            B=$0 V=$1 R=$2
            root=$B/root; out=$B/kernels
            mkdir -p "$root/DEBIAN" "$root/usr/lib/debug/boot" "$B/empty/DEBIAN" "$B/empty/usr/share/doc/x"
            cp "$V" "$root/usr/lib/debug/boot/vmlinux-$R"
            printf 'Package: linux-image-%s-dbg\nVersion: 1\nArchitecture: amd64\nMaintainer: t <t@example.invalid>\nDescription: t\n' "$R" > "$root/DEBIAN/control"
            dpkg-deb --root-owner-group -Zgzip -z1 --build "$root" "$out/linux-image-$R-dbg_1_amd64.deb" > /dev/null
            printf 'Package: linux-image-9.9-dbg\nVersion: 1\nArchitecture: amd64\nMaintainer: t <t@example.invalid>\nDescription: t\n' > "$B/empty/DEBIAN/control"
            echo doc > "$B/empty/usr/share/doc/x/README"
            dpkg-deb --root-owner-group --build "$B/empty" "$out/linux-image-9.9-dbg_1_amd64.deb" > /dev/null
            """
        try TestTools.sh(script, base, vmlinux, release)
        let deb = "\(base)/kernels/linux-image-\(release)-dbg_1_amd64.deb"
        let listed = try TestTools.sh("dpkg-deb --ctrl-tarfile \"$0\" | tar -t", deb)
        #expect(!listed.contains("md5sums"), "the package is made without md5sums")

        // A ddeb (md5sums, no .build-id path) is indexed by release: -v says its build ID is unknown.
        let ddeb = try DebuginfoCLI.package("deb", "zstd", ddeb: true)
        try FileManager.default.createDirectory(atPath: base + "/kernels/ubuntu", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: ddeb, toPath: base + "/kernels/ubuntu/" + (ddeb as NSString).lastPathComponent)
        let build = try DebuginfoCLI.run(["-b", "-v"], base: base)
        #expect(build.status == 0, "\(build.stderr)")
        #expect(
            build.stdout.hasPrefix("3 packages: 3 new, 0 changed, 0 removed, 0 unreadable, 1 without a kernel; 2 kernels; "),
            "\(build.stdout)")
        #expect(build.stderr.contains("no kernel in \(base)/kernels/linux-image-9.9-dbg_1_amd64.deb: no vmlinux member"))
        #expect(build.stderr.contains("no build ID for \(base)/kernels/ubuntu/"), "\(build.stderr)")
        #expect(!build.stderr.contains("no build ID for \(base)/kernels/linux-image-\(release)"), "its note was read")
        let list = try DebuginfoCLI.run(["list", "kernels"], base: base)
        #expect(list.stdout.contains("08874375e749a8381d73fd31b60f5b1eeae9ac3b"), "the build ID note was read from data.tar")
        #expect(list.stdout.contains(deb))
        // Cached like any package: the second run reads nothing and still counts the empty one.
        let again = try DebuginfoCLI.run(["-b"], base: base)
        #expect(again.stdout.hasPrefix("3 packages: 0 new, 0 changed, 0 removed, 0 unreadable, 1 without a kernel; "))
        let extract = try DebuginfoCLI.run(["extract", "--build-id", "08874375e749a8381d73fd31b60f5b1eeae9ac3b"], base: base)
        #expect(extract.status == 0, "\(extract.stderr)")
        #expect(extract.stdout.hasSuffix("/usr/lib/debug/boot/vmlinux-\(release)\n"))
    }

    @Test("-b --prefetch extracts the newest kernel not yet cached, once, within debugsLimit")
    func prefetch() throws {
        try #require(DebuginfoCLI.hasTool("rpmbuild"))
        let base = try DebuginfoCLI.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let rpm = try DebuginfoCLI.package("rpm", "zstd")
        try FileManager.default.copyItem(atPath: rpm, toPath: base + "/kernels/" + (rpm as NSString).lastPathComponent)
        let first = try DebuginfoCLI.run(["-b", "--prefetch", "1"], base: base)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("prefetch: 1 extracted, 0 already cached, 0 over debugsLimit, 0 failed"))
        #expect(first.stderr.contains("prefetched \(DebuginfoCLI.release) x86_64"))
        let vmlinux = "\(base)/debugs/\(DebuginfoCLI.release)/08874375e749a8381d73fd31b60f5b1eeae9ac3b/usr/lib/debug/lib/modules/\(DebuginfoCLI.release)/vmlinux"
        #expect(FileManager.default.fileExists(atPath: vmlinux))
        let again = try DebuginfoCLI.run(["build", "--prefetch", "1"], base: base)
        #expect(again.stdout.contains("prefetch: 0 extracted, 1 already cached, 0 over debugsLimit, 0 failed"))

        let small = try DebuginfoCLI.tree()
        defer { try? FileManager.default.removeItem(atPath: small) }
        try FileManager.default.copyItem(atPath: rpm, toPath: small + "/kernels/" + (rpm as NSString).lastPathComponent)
        let conf = try String(contentsOfFile: small + "/cas.conf", encoding: .utf8)
        try (conf + "[maintenance]\ndebugsLimit = 1M\nprefetch = 3\n").write(
            toFile: small + "/cas.conf", atomically: true, encoding: .utf8)
        let limited = try DebuginfoCLI.run(["-b"], base: small)
        #expect(limited.stdout.contains("prefetch: 0 extracted, 0 already cached, 1 over debugsLimit, 0 failed"))
        #expect(limited.stderr.contains("not prefetched \(DebuginfoCLI.release) x86_64: over debugsLimit"))
        let misuse = try DebuginfoCLI.run(["-s", "--prefetch", "1"], base: small)
        #expect(misuse.status == 64)
    }

    @Test("a build killed with SIGKILL leaves a consistent index and the next run continues")
    func interrupted() throws {
        try #require(DebuginfoCLI.hasTool("rpmbuild"))
        let base = try DebuginfoCLI.tree()
        let rpm = try DebuginfoCLI.package("rpm", "zstd")
        let count = 3000
        for i in 0..<count {
            let dir = base + "/kernels/\(i % 30)"
            if i < 30 { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            try FileManager.default.linkItem(atPath: rpm, toPath: dir + "/kernel-debuginfo-6.1.\(i)-1.x86_64.rpm")
        }
        // Create the database first: two processes migrating a new database at once can collide (see report).
        _ = try Store(path: base + "/cas.db")
        let build = try DebuginfoCLI.start(["-b"], base: base)
        let process = build.process
        // Wait (bounded) until the build has written some packages, then kill it.
        var before = 0
        var seen = 0
        let deadline = Date().addingTimeInterval(60)
        while process.isRunningReliably, Date() < deadline {
            if FileManager.default.fileExists(atPath: base + "/cas.db"),
                let store = try? Store(path: base + "/cas.db"), let n = try? store.debuginfoCounts().packages, n > 0
            {
                kill(process.processIdentifier, SIGKILL)
                seen = n
                break
            }
            usleep(2000)
        }
        _ = try build.wait()
        let store = try Store(path: base + "/cas.db")
        let counts = try store.debuginfoCounts()
        before = counts.packages
        #expect(counts.packages == counts.kernels)  // no package row without its kernel
        let rerun = try DebuginfoCLI.run(["-b"], base: base)
        #expect(rerun.status == 0)
        #expect(before >= seen, "saw \(seen) before the kill, \(before) after")
        let new = DebuginfoIndexer.Report.grouped(count - before)
        #expect(rerun.stdout.hasPrefix("3,000 packages: \(new) new, 0 changed, 0 removed, 0 unreadable; 3,000 kernels"))
        if process.terminationReason == .uncaughtSignal { #expect(before < count, "killed after \(before)") }
    }

    @Test("several processes extracting the same kernel extract it once; a miss exits 69 with nearest releases")
    func extract() throws {
        try #require(DebuginfoCLI.hasTool("rpmbuild"))
        let base = try DebuginfoCLI.tree()
        let rpm = try DebuginfoCLI.package("rpm", "gzip")
        try FileManager.default.linkItem(atPath: rpm, toPath: base + "/kernels/" + (rpm as NSString).lastPathComponent)
        #expect(try DebuginfoCLI.run(["-b"], base: base).status == 0)
        let started = try (0..<3).map { _ in
            try DebuginfoCLI.start(["extract", "--release", DebuginfoCLI.release, "--arch", "x86_64"], base: base)
        }
        let outputs = try started.map { try $0.wait() }
        #expect(outputs.allSatisfy { $0.status == 0 })
        #expect(Set(outputs.map(\.stdout)).count == 1)
        #expect(outputs.filter { $0.stderr.hasSuffix("extracted\n") }.count == 1)
        #expect(outputs.filter { $0.stderr.hasSuffix("cached\n") }.count == 2)
        let path = outputs[0].stdout.trimmingCharacters(in: .newlines)
        #expect(
            path
                == "\(base)/debugs/\(DebuginfoCLI.release)/08874375e749a8381d73fd31b60f5b1eeae9ac3b/usr/lib/debug/lib/modules/\(DebuginfoCLI.release)/vmlinux"
        )
        #expect(FileManager.default.contentsEqual(atPath: path, andPath: try Fixtures.path("vmlinux")))

        let miss = try DebuginfoCLI.run(["extract", "--release", "6.1.200-tiny-pidfix"], base: base)
        #expect(miss.status == ExitStatus.noDebuginfo.rawValue)
        #expect(miss.stderr.contains("no debuginfo in the index for release 6.1.200-tiny-pidfix"))
        #expect(miss.stderr.contains("nearest releases indexed: \(DebuginfoCLI.release)"))
    }
}

import CASCore
import CASTestSupport
import Foundation
import Testing

/// `cas` started as root drops to the casuser before touching the upload; what it creates is never
/// world-writable and job directories are 0750 (`make robustness`; set CAS_ROBUSTNESS=1).
@Suite(
    .serialized,
    .enabled(if: Robustness.enabled, "set CAS_ROBUSTNESS=1 (make robustness)"),
    .enabled(if: findExecutable("crash") != nil && findExecutable("rpmbuild") != nil, "needs crash and rpm"))
struct RobustnessSecurityTests {
    @Test func rootDropsToTheCasuserAndCreatesNothingWorldWritable() throws {
        guard geteuid() == 0, findExecutable("useradd") != nil else {
            print("skipped: needs root and useradd")
            return
        }
        let fixtures = try JobWorld.fixtures()
        let user = "casrob\(getpid() % 100000)"
        try TestTools.sh("useradd --system --no-create-home --shell /usr/sbin/nologin \"$0\"", user)
        defer { _ = try? TestTools.sh("userdel \"$0\"", user) }
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try AttackWorld.give(base, to: user)
        let conf = JobWorld.read(base + "/cas.conf")
        let upload = base + "/upload.flat"
        try TestTools.sh("cp \"$0\" \"$1\" && chmod 0600 \"$1\"", fixtures + "/vmcore.flat", upload)
        // Root-only upload: the job cannot read it as the casuser, so it must have dropped root first.
        let denied = try JobWorld.run("cas", ["-i", "root-1", "-f", upload], base: base)
        #expect(denied.status == 66, "\(denied.stderr)")
        try TestTools.sh("chown \"$0\" \"$1\"", user, upload)
        let result = try JobWorld.run("cas", ["-i", "root-1", "-f", upload], base: base)
        #expect(result.status == 0, "\(result.stderr)")
        let job = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let uid = try #require(getpwnam(user)).pointee.pw_uid
        var info = stat()
        #expect(stat(job, &info) == 0)
        #expect(info.st_uid == uid, "the job directory belongs to the casuser")
        #expect(info.st_mode & 0o7777 == 0o750)
        #expect(JobWorld.read(job + "/sys").contains("RELEASE: 6.1.192-tiny-pidfix"))
        let created = JobWorld.listing(base + "/work") + JobWorld.listing(base + "/debugs").map { "../debugs/" + $0 }
        for path in created {
            var entry = stat()
            guard lstat(base + "/work/" + path, &entry) == 0, entry.st_mode & S_IFMT != S_IFLNK else { continue }
            #expect(entry.st_mode & 0o002 == 0, "world-writable: \(path)")
            #expect(entry.st_uid == uid, "not the casuser's: \(path)")
        }
        let unknown = conf.replacingOccurrences(of: "casuser = \(user)", with: "casuser = no-such-user-cas")
        try unknown.write(toFile: base + "/cas.conf", atomically: true, encoding: .utf8)
        let refused = try JobWorld.run("cas", ["-i", "root-2", "-f", upload], base: base)
        #expect(refused.status == 78 && refused.stderr.contains("no-such-user-cas"), "\(refused.stderr)")
    }
}

import CASCore
import CASTestSupport
import Foundation
import Testing

/// The index survives a missing share, and a casuser that cannot read a package (issue 25): `cas-admin -b`
/// removes nothing it cannot see, counts what it cannot read, and a job passes over an unreadable candidate.
@Suite(.serialized, .enabled(if: findExecutable("crash") != nil && findExecutable("rpmbuild") != nil, "needs crash and rpm"))
struct IndexAccessTests {
    static func indexed(_ base: String) throws -> Int {
        let listed = try JobWorld.run("cas-admin", ["list", "kernels", "--json"], base: base)
        let rows = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]
        return rows?.count ?? -1
    }

    /// `kernels` missing or a file: a configuration error naming it, the index untouched.
    @Test func aMissingOrNonDirectoryKernelsRemovesNothing() throws {
        let base = try JobWorld.tree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let before = try Self.indexed(base)
        #expect(before == 2)
        try FileManager.default.moveItem(atPath: base + "/kernels", toPath: base + "/kernels.away")
        let missing = try JobWorld.run("cas-admin", ["-b"], base: base)
        #expect(missing.status == ExitStatus.configuration.rawValue, "\(missing.stdout)")
        #expect(missing.stderr.contains("kernels directory \(base)/kernels: No such file or directory"), "\(missing.stderr)")
        #expect(try Self.indexed(base) == before)
        try "not a directory".write(toFile: base + "/kernels", atomically: true, encoding: .utf8)
        let file = try JobWorld.run("cas-admin", ["-b", "--allow-empty"], base: base)
        #expect(file.status == ExitStatus.configuration.rawValue && file.stderr.contains("kernels: not a directory"), "\(file.stderr)")
        #expect(try Self.indexed(base) == before)
    }

    /// As a non-root casuser: `kernels` unreadable → refused, naming the user; a subdirectory it cannot list →
    /// its packages kept and said so; a package it cannot read → counted unreadable (not "unchanged"), kept in
    /// the index, and a job passes over it to the next readable candidate, saying so in its log.
    @Test func aCasuserThatCannotReadKeepsTheIndexAndLookupSkipsTheCandidate() throws {
        guard let user = AttackWorld.dedicatedUser else {
            print("needs root and useradd for a non-root casuser: skipped")
            return
        }
        let fixtures = try JobWorld.fixtures()
        let base = try AttackWorld.tree(.dedicated)
        defer { try? FileManager.default.removeItem(atPath: base) }
        #expect(try Self.indexed(base) == 2)

        // The whole share unreadable.
        try TestTools.sh("chown root: \"$0\" && chmod 0700 \"$0\"", base + "/kernels")
        let shut = try JobWorld.run("cas-admin", ["-b"], base: base)
        #expect(shut.status == ExitStatus.configuration.rawValue, "\(shut.stdout)")
        #expect(shut.stderr.contains("not readable by \(user) (Permission denied)"), "\(shut.stderr)")
        #expect(try Self.indexed(base) == 2)
        try TestTools.sh("chown \"$1\" \"$0\" && chmod 0755 \"$0\"", base + "/kernels", user)

        // Copies of the packages (the fixture's are hard-linked into the tree), the RPM the newer, so lookup
        // prefers it; then the RPM becomes root's own, mode 0600.
        let names = try FileManager.default.contentsOfDirectory(atPath: base + "/kernels")
        let rpm = base + "/kernels/" + (try #require(names.first { $0.hasSuffix(".rpm") }))
        let deb = base + "/kernels/" + (try #require(names.first { $0.hasSuffix(".deb") }))
        for (path, date) in [(rpm, "2021-01-01"), (deb, "2020-01-01")] {
            try TestTools.sh("cp \"$0\" \"$0.tmp\" && mv \"$0.tmp\" \"$0\" && chown \"$2\" \"$0\" && touch -d \"$1\" \"$0\"", path, date, user)
        }
        #expect(try JobWorld.run("cas-admin", ["-b"], base: base).stdout.contains(" 2 changed, "))
        try TestTools.sh("chown root: \"$0\" && chmod 0600 \"$0\"", rpm)
        let path = rpm
        let built = try JobWorld.run("cas-admin", ["-b"], base: base)
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stdout.contains(", 0 removed, 1 unreadable;"), "\(built.stdout)")
        #expect(built.stderr.contains("skipped \(path): cannot read: not readable by \(user)"), "\(built.stderr)")
        #expect(try Self.indexed(base) == 2, "a package the casuser cannot read stays indexed")

        let job = try JobWorld.run("cas", ["-i", "skip-1", "-f", fixtures + "/vmcore.kdump-d31"], base: base)
        #expect(job.status == 0, "\(job.stderr)")
        let log = JobWorld.read(try AttackWorld.job(base, "skip-1") + "/skip-1.log")
        #expect(log.contains("skipped candidate \(path): not readable by \(user); trying the next"), "\(log)")
        #expect(log.contains("(1 unreadable skipped)"))

        // A directory under kernels the casuser cannot list: the packages indexed from it stay.
        try TestTools.sh("mkdir \"$0/private\" && mv \"$0\"/*.rpm \"$0/private/\" && chown -R \"$1\" \"$0/private\"", base + "/kernels", user)
        #expect(try JobWorld.run("cas-admin", ["-b"], base: base).status == 0)
        try TestTools.sh("chown root: \"$0\" && chmod 0700 \"$0\"", base + "/kernels/private")
        let hidden = try JobWorld.run("cas-admin", ["-b"], base: base)
        #expect(hidden.status == 0, "\(hidden.stderr)")
        #expect(hidden.stdout.contains(", 0 removed,"), "\(hidden.stdout)")
        #expect(hidden.stderr.contains("cannot list \(base)/kernels/private as \(user): its indexed packages were kept"), "\(hidden.stderr)")
        #expect(try Self.indexed(base) == 2)
    }
}

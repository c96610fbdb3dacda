import CASCore
import CASTestSupport
import Foundation
import Testing

/// The team model through the real binaries, with real users made for the suite (root, useradd and
/// groupadd needed): a casuser, an analyst in the analysts' group and an outsider.
@Suite("Team model, end to end", .serialized)
struct TeamTests {
    /// The suite's users and group, made once and removed when the test process ends.
    struct Team {
        var casuser: String
        var analyst: String
        var outsider: String
        var group: String
    }

    static let team: Team? = {
        guard geteuid() == 0, findExecutable("useradd") != nil, findExecutable("groupadd") != nil,
            findExecutable("runuser") != nil
        else { return nil }
        let tag = getpid() % 100000
        let team = Team(
            casuser: "castc\(tag)", analyst: "casta\(tag)", outsider: "casto\(tag)", group: "castg\(tag)")
        let made = try? TestTools.sh(
            """
            groupadd "$3" && \
            useradd --system --no-create-home --shell /usr/sbin/nologin -G "$3" "$0" && \
            useradd --system --no-create-home --shell /usr/sbin/nologin -G "$3" "$1" && \
            useradd --system --no-create-home --shell /usr/sbin/nologin "$2"
            """, team.casuser, team.analyst, team.outsider, team.group)
        atexit {
            guard let team = TeamTests.team else { return }
            _ = try? TestTools.sh(
                "userdel \"$0\"; userdel \"$1\"; userdel \"$2\"; groupdel \"$3\"; true",
                team.casuser, team.analyst, team.outsider, team.group)
        }
        return made == nil ? nil : team
    }()

    /// A tree for `team`: root's configuration naming the casuser and the analysts' group; kernels, debugs,
    /// work and the database's directory `state` as `owned` makes them.
    static func tree(_ team: Team) throws -> String {
        let base = try JobWorld.tree(
            indexed: false, extra: "casuser = \(team.casuser)\nanalysts = \(team.group)")
        var conf = JobWorld.read(base + "/cas.conf")
        conf = conf.replacingOccurrences(
            of: "database = \(base)/cas.db", with: "database = \(base)/state/cas.db")
        try conf.write(toFile: base + "/cas.conf", atomically: true, encoding: .utf8)
        try TestTools.sh(
            "cd \"$0\" && mkdir -p debugs state && chmod 0755 . kernels debugs work state", base)
        return base
    }

    /// Runs a built binary as `user` (through runuser) with the tree's configuration.
    static func run(as user: String, _ tool: String, _ arguments: [String], base: String) throws -> RunResult {
        try TestTools.execute(
            "runuser", ["-u", user, "--", BuiltBinary.path(tool)] + arguments + ["--config", base + "/cas.conf"])
    }

    /// Whether `user` can read `path` (as the kernel decides, through runuser).
    static func canRead(_ user: String, _ path: String) -> Bool {
        (try? TestTools.sh("runuser -u \"$0\" -- cat \"$1\" > /dev/null 2>&1", user, path)) != nil
    }

    /// Check as root, on directories the casuser cannot write: it fails, names the chown for each, and
    /// creates nothing; once the directories are the casuser's, those lines pass.
    @Test func checkAsRootFailsForTheCasuserAndCreatesNothing() throws {
        guard let team = Self.team else { return print("skipped: needs root, useradd and groupadd") }
        let base = try Self.tree(team)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let before = JobWorld.listing(base)
        let result = try JobWorld.run("cas-admin", ["check"], base: base)
        #expect(result.status == 78, "\(result.stdout)\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        func line(_ name: String) -> String { lines.first { $0.hasPrefix("error   \(name) ") } ?? "" }
        let owner = "\(team.casuser):\(team.group)"
        #expect(
            line("debugs").contains(
                "casuser \(team.casuser) cannot write \(base)/debugs (root:root, mode 755)"))
        #expect(line("debugs").hasSuffix("(chown -R \(owner) \(base)/debugs)"), "\(result.stdout)")
        #expect(line("workDirectory").hasSuffix("(chown -R \(owner) \(base)/work)"), "\(result.stdout)")
        #expect(line("database").contains("not created yet"), "\(result.stdout)")
        #expect(line("database").hasSuffix("(chown -R \(owner) \(base)/state)"), "\(result.stdout)")
        #expect(
            lines.contains { $0.hasPrefix("ok      casuser ") && $0.contains(team.group) },
            "\(result.stdout)")
        #expect(
            lines.contains { $0.hasPrefix("ok      analysts ") && $0.contains(team.analyst) },
            "\(result.stdout)")
        #expect(JobWorld.listing(base) == before, "check created nothing")

        try TestTools.sh(
            "cd \"$2\" && chown \"$0:$1\" debugs work state && chmod 2750 debugs work state",
            team.casuser, team.group,
            base)
        let fixed = try JobWorld.run("cas-admin", ["check"], base: base)
        for name in ["debugs", "workDirectory", "database", "kernels"] {
            #expect(
                fixed.stdout.split(separator: "\n").contains { $0.hasPrefix("ok      \(name) ") },
                "\(name): \(fixed.stdout)")
        }
        #expect(
            !FileManager.default.fileExists(atPath: base + "/state/cas.db"), "check creates no database")
    }

    /// A job filed by root (as the casuser) belongs to the analysts' group: a member reads it, lists jobs and
    /// reads findings; a non-member reads nothing and lists nothing; neither may file a job themselves.
    @Test func analystReadsJobsAndAnOutsiderIsRefused() throws {
        guard let team = Self.team else { return print("skipped: needs root, useradd and groupadd") }
        let base = try Self.tree(team)
        defer { try? FileManager.default.removeItem(atPath: base) }
        try TestTools.sh(
            "cd \"$2\" && chown \"$0:$1\" debugs work state && chmod 2750 debugs work state",
            team.casuser, team.group,
            base)
        let dump = try JobWorld.fixtures() + "/vmcore.kdump-d31"
        // No index: the job ends partial (69) after writing its log, dmesg, findings and job.json.
        let job = try JobWorld.run("cas", ["-i", "TEAM1", "-f", dump], base: base)
        #expect(job.status == 69, "\(job.stderr)")
        let directory = try AttackWorld.job(base, "TEAM1")
        let gid = try #require(getgrnam(team.group)?.pointee.gr_gid)
        for path in [base + "/work/TEAM1", directory] {
            var st = stat()
            #expect(stat(path, &st) == 0)
            #expect(
                st.st_gid == gid && st.st_mode & 0o7777 == 0o2750,
                "\(path): mode \(String(st.st_mode, radix: 8))")
        }
        for name in [
            JobLayout.log(caseId: "TEAM1"), JobLayout.jobJSON, JobLayout.findings, JobLayout.dmesg,
        ] {
            var st = stat()
            #expect(stat(directory + "/" + name, &st) == 0, "\(name)")
            #expect(
                st.st_gid == gid && st.st_mode & 0o777 == 0o640,
                "\(name): mode \(String(st.st_mode, radix: 8))")
            #expect(Self.canRead(team.analyst, directory + "/" + name), "the analyst reads \(name)")
            #expect(
                !Self.canRead(team.outsider, directory + "/" + name), "the outsider cannot read \(name)")
        }
        var db = stat()
        #expect(
            stat(base + "/state/cas.db", &db) == 0 && db.st_gid == gid && db.st_mode & 0o777 == 0o640)

        let listed = try Self.run(as: team.analyst, "cas-admin", ["list", "jobs"], base: base)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(
            listed.stdout.contains("TEAM1") && listed.stdout.contains(directory), "\(listed.stdout)")
        let findings = try Self.run(as: team.analyst, "cas", ["findings", directory], base: base)
        #expect(findings.status == 0, "\(findings.stderr)")
        #expect(findings.stderr.contains("not rewriting findings.txt"), "\(findings.stderr)")

        let refusedList = try Self.run(as: team.outsider, "cas-admin", ["list", "jobs"], base: base)
        #expect(refusedList.status == 78)
        #expect(
            refusedList.stderr.contains("user \(team.outsider)"), "names the user: \(refusedList.stderr)")
        #expect(!refusedList.stdout.contains("TEAM1"))
        for user in [team.analyst, team.outsider] {
            let own = try Self.run(as: user, "cas", ["-i", "TEAM2", "-f", dump], base: base)
            #expect(own.status == 78, "\(user): \(own.stderr)")
            #expect(
                own.stderr.contains("jobs run as the casuser \(team.casuser), not as \(user)"),
                "\(own.stderr)")
            #expect(own.stderr.contains("sudo -u \(team.casuser) cas -i ID -f FILE"))
        }
        #expect(!FileManager.default.fileExists(atPath: base + "/work/TEAM2"), "nothing filed")
    }
}

import CASTestSupport
import Foundation
import Testing

@testable import CASCore

/// The host checks of `cas-admin check` over a temporary root: mounts, the purge schedule, user access.
@Suite("Installation check: host")
struct InstallationCheckSystemTests {
    static let mountinfo = """
        22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
        25 22 0:5 / /proc rw,nosuid - proc proc rw
        30 22 0:40 / /srv/share\\040two rw - nfs4 srv:/two rw

        """

    @Test func mountPointInFstabButNotMountedIsFound() {
        let fstab = """
            # <file system> <mount point> <type> <options> <dump> <pass>
            /dev/sda1 / ext4 defaults 0 1
            srv:/kernels /srv/cas/kernels nfs4 ro,noauto 0 0
            srv:/two /srv/share\\040two nfs4 ro 0 0
            /swapfile none swap sw 0 0
            """
        let find = {
            InstallationCheck.unmountedMountPoint($0, fstab: fstab, mountinfo: Self.mountinfo)
        }
        #expect(find("/srv/cas/kernels") == "/srv/cas/kernels")
        #expect(find("/srv/cas/kernels/") == "/srv/cas/kernels")
        #expect(
            find("/srv/cas/kernels/rhel9") == "/srv/cas/kernels", "a directory below the mount point")
        #expect(find("/srv/share two/kernels") == nil, "mounted (octal escapes read on both sides)")
        #expect(find("/srv/cas/debugs") == nil, "on / (mounted)")
        #expect(find("/srv/cas") == nil)
    }

    @Test func mountCheckReadsTheHostFilesAndSaysWhatToDo() throws {
        let root = try makeTemporaryDirectory("cas-check-root").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(
            atPath: root + "/etc", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: root + "/proc/self", withIntermediateDirectories: true)
        try "srv:/k /srv/k nfs ro 0 0\n".write(
            toFile: root + "/etc/fstab", atomically: true, encoding: .utf8)
        try Self.mountinfo.write(
            toFile: root + "/proc/self/mountinfo", atomically: true, encoding: .utf8)
        let system = InstallationCheck.SystemFiles(root: root)
        let line = try #require(InstallationCheck.unmountedMountPoint("/srv/k", system: system))
        #expect(line.contains("/srv/k is a mount point in \(root)/etc/fstab but is not mounted"))
        #expect(line.contains("mount /srv/k"))
        try (Self.mountinfo + "40 22 0:50 / /srv/k ro - nfs srv:/k ro\n")
            .write(toFile: root + "/proc/self/mountinfo", atomically: true, encoding: .utf8)
        #expect(InstallationCheck.unmountedMountPoint("/srv/k", system: system) == nil)
    }

    @Test func cronAndEnabledTimerTogetherRunThePurgeTwice() throws {
        let root = try makeTemporaryDirectory("cas-check-sched").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let system = InstallationCheck.SystemFiles(root: root)
        try FileManager.default.createDirectory(
            atPath: root + "/etc/cron.d", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: root + "/etc/systemd/system/timers.target.wants", withIntermediateDirectories: true)
        #expect(InstallationCheck.purgeScheduledTwice(system: system) == nil, "neither")
        try "SHELL=/bin/sh\n17 3 * * * cas cas-admin purge\n"
            .write(toFile: system.cronFile, atomically: true, encoding: .utf8)
        #expect(InstallationCheck.purgeScheduledTwice(system: system) == nil, "cron alone")
        // systemctl enable makes a link to the unit (dangling here: only the link counts).
        try FileManager.default.createSymbolicLink(
            atPath: system.enabledTimer,
            withDestinationPath: "/usr/local/lib/systemd/system/cas-purge.timer")
        let twice = try #require(InstallationCheck.purgeScheduledTwice(system: system))
        #expect(
            twice.contains("purge runs twice")
                && twice.contains("systemctl disable --now cas-purge.timer"))
        try "# 17 3 * * * cas cas-admin purge\n".write(
            toFile: system.cronFile, atomically: true, encoding: .utf8)
        #expect(
            InstallationCheck.purgeScheduledTwice(system: system) == nil,
            "a commented-out cron line is inactive")
    }

    @Test func crashAgainstIndexedKernelsNamesTheKernels() {
        func kernel(_ release: String) -> IndexedKernel {
            IndexedKernel(
                id: 1, release: release, arch: "x86_64", buildId: nil, banner: nil, vmlinuxPath: "/v",
                vmlinuxSize: nil, packageId: 1, packagePath: "/p", packageKind: "rpm", packageName: nil,
                packageSize: 0, packageMtime: 0, indexedAt: 0)
        }
        let items = InstallationCheck.crashAgainstKernels(
            "8.0.3", [kernel("6.1.112-1"), kernel("6.1.50"), kernel("6.8.0-45"), kernel("6.8.0-45")])
        #expect(items.count == 1)
        #expect(items.first?.status == .warning)
        #expect(
            items.first?.detail.contains(
                "install crash 8.0.4 or later (2 indexed kernels: 6.1.112-1, 6.8.0-45)") == true)
        #expect(InstallationCheck.crashAgainstKernels("9.0.0", [kernel("6.8.0")]).isEmpty)
    }

    @Test func accessIsComputedForTheUsersIdAndGroups() throws {
        guard geteuid() == 0, getpwnam("nobody") != nil else { return }
        let dir = try makeTemporaryDirectory("cas-access").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        chmod(dir, 0o755)
        let nobody = try #require(UserAccess(user: "nobody"))
        #expect(nobody.problem(dir, needs: [.read, .search]) == nil)
        let denied = try #require(nobody.problem(dir, needs: [.write, .search]))
        #expect(denied.description == "cannot write \(dir) (root:root, mode 755)")
        mkdir(dir + "/inner", 0o700)
        chmod(dir + "/inner", 0o777)
        chmod(dir, 0o700)
        let blocked = try #require(nobody.problem(dir + "/inner", needs: [.write]))
        #expect(blocked.kind == .cannotEnter && blocked.path == dir)
        chown(dir, nobody.uid, nobody.gid)
        #expect(nobody.problem(dir + "/inner", needs: [.write, .search]) == nil)
        #expect(
            UserAccess(user: "root")?.problem("/nonexistent/x", needs: [.write]) == nil,
            "root may do anything")
        #expect(UserAccess(user: "no-such-user-here") == nil)
    }
}

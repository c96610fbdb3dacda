import CASTestSupport
import Foundation
import Testing

@testable import CASCore

@Suite("Debian package reader")
struct DebPackageTests {
    @Test("reads a .deb and a .ddeb from control.tar without data.tar", arguments: [("xz", false), ("zstd", true)])
    func deb(compression: String, ddeb: Bool) throws {
        try #require(DebuginfoFixture.hasTool("dpkg-deb"), "dpkg-deb is not installed")
        let path = try DebuginfoFixture.package("deb", compression: compression, ddeb: ddeb)
        let contents = try DebPackage.read(path: path)
        #expect(contents.kind == .deb)
        #expect(contents.name?.hasPrefix("linux-image-") == true)
        #expect(contents.version == "6.1.192-1")
        #expect(contents.arch == "x86_64")
        let kernel = try #require(contents.kernels.first)
        #expect(kernel.release == DebuginfoFixture.release)
        #expect(kernel.vmlinuxPath == "/usr/lib/debug/boot/vmlinux-\(DebuginfoFixture.release)")
        #expect(kernel.modules.map(\.name) == ["crashfix"])
        #expect(kernel.buildId == nil)
    }

    @Test("a .build-id path names the deb's vmlinux only when unambiguous")
    func debBuildIdRule() {
        let one = [
            "usr/lib/debug/boot/vmlinux-5.15.0-1-generic", "usr/lib/debug/.build-id/ab/cdef0123456789abcdef.debug",
        ]
        #expect(KernelLocator.debKernels(one, arch: "x86_64").first?.buildId == "abcdef0123456789abcdef")
        let many =
            one + [
                "usr/lib/debug/.build-id/12/3456789abcdef0123456.debug",
                "usr/lib/debug/lib/modules/5.15.0-1-generic/kernel/fs/ext4/ext4.ko",
            ]
        let kernels = KernelLocator.debKernels(many, arch: "x86_64")
        #expect(kernels.first?.buildId == nil)
        #expect(kernels.first?.modules.map(\.name) == ["ext4"])
        #expect(DebPackage.normaliseArch("arm64") == "aarch64")
        #expect(DebPackage.normaliseArch("ppc64el") == "ppc64le")
        #expect(DebPackage.normaliseArch("armhf") == "arm")
    }

    @Test("a deb without md5sums whose data.tar names climb out with .. or are absolute is refused, naming the member")
    func dataTarNamesOutsideThePackage() throws {
        try #require(DebuginfoFixture.hasTool("ar"), "ar (binutils) is not installed")
        let base = try DebuginfoFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let script = """
            import io, sys, tarfile
            def tar(path, members):
                with tarfile.open(path, "w:gz") as t:
                    for name, data in members:
                        info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
            tar(sys.argv[1] + "/control.tar.gz", [("./control", b"Package: linux-image-6.1.0-ok-dbg\\nArchitecture: amd64\\n")])
            tar(sys.argv[1] + "/data.tar.gz", [
                ("./usr/lib/debug/boot/vmlinux-6.1.0-ok", b"not ELF"),
                ("../../usr/lib/debug/boot/vmlinux-6.1.0-climb", b"x"),
                ("/usr/lib/debug/boot/vmlinux-6.1.0-absolute", b"x"),
                ("./usr/lib/debug/lib/modules/../../../../../tmp/vmlinux", b"x"),
            ])
            open(sys.argv[1] + "/debian-binary", "w").write("2.0\\n")
            """
        try TestTools.run("/usr/bin/python3", ["-c", script, base])
        let deb = base + "/linux-image-6.1.0-ok-dbg_1_amd64.deb"
        try TestTools.run(
            "/bin/sh", ["-c", "cd \"$0\" && ar rc \"$1\" debian-binary control.tar.gz data.tar.gz", base, deb])
        #expect {
            try DebPackage.read(path: deb)
        } throws: { error in
            "\(error)".contains("unsafe member path '../../usr/lib/debug/boot/vmlinux-6.1.0-climb'")
        }
        #expect(DebPackage.memberPath("./a/../../b") == nil)
        #expect(DebPackage.memberPath("/abs") == nil)
        #expect(DebPackage.memberPath("././usr/x") == "usr/x")
    }

    @Test("a file that is not a Debian package is reported, not fatal")
    func notADeb() throws {
        let base = try DebuginfoFixture.temporaryDirectory()
        let path = base + "/linux-image-1-dbg_1_amd64.deb"
        try Data("!<arch>\nnonsense".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: PackageError.self) { try DebPackage.read(path: path) }
        try Data("plain text".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: PackageError.corrupt(path, "not a Debian package: no control.tar member with a control file")) {
            try DebPackage.read(path: path)
        }
    }
}

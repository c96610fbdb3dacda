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

import Foundation
import Testing

@testable import CASCore

@Suite("RPM and Debian package readers")
struct PackageReaderTests {
    @Test("reads name, release, arch, kernel, build ID and modules from RPM headers", arguments: ["xz", "gzip", "zstd"])
    func rpm(compression: String) throws {
        try #require(DebuginfoFixture.hasTool("rpmbuild"), "rpmbuild is not installed")
        let path = try DebuginfoFixture.package("rpm", compression: compression)
        let contents = try RPMPackage.read(path: path)
        #expect(contents.kind == .rpm)
        #expect(contents.name == "kernel-debuginfo")
        #expect(contents.version == "6.1.192")
        #expect(contents.arch == "x86_64")
        #expect(contents.payloadCompressor == (compression == "gzip" ? "gzip" : compression))
        let kernel = try #require(contents.kernels.first)
        #expect(contents.kernels.count == 1)
        #expect(kernel.release == DebuginfoFixture.release)
        #expect(kernel.vmlinuxPath == "/usr/lib/debug/lib/modules/\(DebuginfoFixture.release)/vmlinux")
        #expect(kernel.vmlinuxSize == 33_280_864)
        #expect(kernel.buildId == DebuginfoFixture.buildId)
        #expect(kernel.modules.map(\.name) == ["crash_fix"])
    }

    @Test("a truncated or foreign RPM is a PackageError naming the file, not a crash")
    func corruptRPM() throws {
        try #require(DebuginfoFixture.hasTool("rpmbuild"), "rpmbuild is not installed")
        let path = try DebuginfoFixture.package("rpm", compression: "zstd")
        let base = try DebuginfoFixture.temporaryDirectory()
        let truncated = base + "/truncated.rpm"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(2000)
        try bytes.write(to: URL(fileURLWithPath: truncated))
        #expect(throws: PackageError.self) { try RPMPackage.read(path: truncated) }
        do {
            _ = try RPMPackage.read(path: truncated)
        } catch {
            #expect(error.description.hasPrefix(truncated))
            #expect(error.description.contains("main header"))
        }
        try Data("hello".utf8).write(to: URL(fileURLWithPath: base + "/x.rpm"))
        #expect(throws: PackageError.corrupt(base + "/x.rpm", "not an RPM package (no RPM lead)")) {
            try RPMPackage.read(path: base + "/x.rpm")
        }
    }

    @Test("a header entry pointing outside the data store is rejected")
    func headerBounds() {
        var bytes: [UInt8] = RPMHeader.magic + [0, 0, 0, 0] + [0, 0, 0, 1] + [0, 0, 0, 4]
        bytes += [0, 0, 0x03, 0xe8] + [0, 0, 0, 6] + [0, 0, 0, 9] + [0, 0, 0, 1]  // NAME string at offset 9 of 4
        bytes += Array("abc".utf8) + [0]
        #expect(RPMHeader.parse(bytes) == nil)
        bytes[16 + 11] = 0  // offset 0: valid
        #expect(RPMHeader.parse(bytes)?.string(.name) == "abc")
        bytes[bytes.count - 1] = 0x41  // no terminating NUL
        #expect(RPMHeader.parse(bytes) == nil)
    }

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
        #expect(kernel.modules.map(\.name) == ["crash_fix"])
        #expect(kernel.buildId == nil)
    }

    @Test("a .build-id path names the deb's vmlinux only when unambiguous")
    func debBuildIdRule() {
        let one = ["usr/lib/debug/boot/vmlinux-5.15.0-1-generic", "usr/lib/debug/.build-id/ab/cdef0123456789abcdef.debug"]
        #expect(KernelLocator.debKernels(one, arch: "x86_64").first?.buildId == "abcdef0123456789abcdef")
        let many = one + [
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

    @Test("a loose vmlinux gives its complete banner, release and build ID")
    func looseVmlinux() throws {
        let (vmlinux, ko) = try DebuginfoFixture.fixtures()
        let contents = try LooseVmlinux.read(path: vmlinux)
        let kernel = try #require(contents.kernels.first)
        #expect(kernel.release == DebuginfoFixture.release)
        #expect(kernel.banner == DebuginfoFixture.banner)
        #expect(kernel.buildId == DebuginfoFixture.buildId)
        #expect(kernel.arch == "x86_64")
        #expect(throws: PackageError.self) { try LooseVmlinux.read(path: ko) }
        let placeholder = "Linux version 6.1.0 (x@y) (gcc) # SMP PREEMPT_DYNAMIC"
        #expect(LooseVmlinux.chooseBanner([placeholder, DebuginfoFixture.banner]) == DebuginfoFixture.banner)
    }
}

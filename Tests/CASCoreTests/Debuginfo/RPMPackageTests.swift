import Foundation
import Testing

@testable import CASCore

@Suite("RPM header reader")
struct RPMPackageTests {
    @Test(
        "reads name, release, arch, kernel, build ID and modules from RPM headers", arguments: ["xz", "gzip", "zstd"])
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
        #expect(kernel.modules.map(\.name) == ["crashfix"])
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
}

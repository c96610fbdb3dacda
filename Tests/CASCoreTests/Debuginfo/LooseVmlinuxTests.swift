import Foundation
import Testing

@testable import CASCore

@Suite("Loose vmlinux reader")
struct LooseVmlinuxTests {
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

import Foundation
import Testing

@testable import CASCore

@Suite("Debuginfo index build")
struct DebuginfoIndexerTests {
    @Test("builds incrementally: unchanged skipped, touched re-read, deleted removed, corrupt reported, resumed")
    func incremental() async throws {
        try #require(DebuginfoFixture.hasTool("rpmbuild"), "rpmbuild is not installed")
        let base = try DebuginfoFixture.temporaryDirectory()
        let (settings, store) = try DebuginfoFixture.setup(base)
        let rpm = try DebuginfoFixture.package("rpm", compression: "zstd")
        for i in 1...5 {
            _ = try DebuginfoFixture.place(
                rpm, in: base, as: "r\(i)/kernel-debuginfo-6.1.192-\(i).x86_64.rpm", copy: true)
        }
        let vmlinux = try DebuginfoFixture.fixtures().vmlinux
        _ = try DebuginfoFixture.place(vmlinux, in: base, as: "loose/vmlinux-\(DebuginfoFixture.release)")
        let corrupt = base + "/kernels/kernel-debuginfo-9.9.9-1.x86_64.rpm"
        try Data(repeating: 7, count: 500).write(to: URL(fileURLWithPath: corrupt))
        symlink(base + "/kernels", base + "/kernels/r1/loop")  // a loop find -L would report
        let indexer = DebuginfoIndexer(options: settings.indexerOptions, store: store)

        let first = try await indexer.build()
        #expect((first.packages, first.new, first.changed, first.removed, first.kernels) == (6, 6, 0, 0, 6))
        #expect(first.unreadable.map(\.description) == ["\(corrupt): not an RPM package (no RPM lead)"])
        #expect(first.summary.hasPrefix("6 packages: 6 new, 0 changed, 0 removed, 1 unreadable; 6 kernels; "))

        let second = try await indexer.build()
        #expect((second.new, second.changed, second.removed, second.unchanged) == (0, 0, 0, 6))

        let touched = base + "/kernels/r2/kernel-debuginfo-6.1.192-2.x86_64.rpm"
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: touched)
        try FileManager.default.removeItem(atPath: base + "/kernels/r3/kernel-debuginfo-6.1.192-3.x86_64.rpm")
        let third = try await indexer.build()
        #expect((third.new, third.changed, third.removed, third.unchanged, third.kernels) == (0, 1, 1, 4, 5))

        // An interrupted build: rows written package by package, so losing the tail of a run loses only those.
        try store.deletePackage(path: base + "/kernels/r4/kernel-debuginfo-6.1.192-4.x86_64.rpm")
        try store.deletePackage(path: base + "/kernels/loose/vmlinux-\(DebuginfoFixture.release)")
        let resumed = try await indexer.build()
        #expect((resumed.new, resumed.changed, resumed.unchanged, resumed.kernels) == (2, 0, 3, 5))

        let full = try await indexer.build(full: true)
        #expect((full.new, full.changed, full.unchanged) == (0, 5, 0))
    }

    @Test("a missing kernels directory is a configuration error and removes nothing")
    func missingRoot() async throws {
        let base = try DebuginfoFixture.temporaryDirectory()
        var (settings, store) = try DebuginfoFixture.setup(base)
        settings.kernels = base + "/nowhere"
        try store.replacePackage(
            path: "/x.rpm", size: 1, mtime: 1, kind: "rpm",
            fields: PackageFields(
                name: nil, version: nil, release: nil, arch: nil, buildTime: nil,
                payloadFormat: nil, payloadCompressor: nil), kernels: [])
        await #expect(throws: IndexError.self) { try await DebuginfoIndexer(options: settings.indexerOptions, store: store).build() }
        #expect(try store.packageStamps().count == 1)
    }

    @Test("the summary line groups thousands")
    func summary() {
        var report = DebuginfoIndexer.Report()
        (report.packages, report.new, report.changed, report.removed, report.kernels) = (1204, 12, 3, 2, 1871)
        report.unreadable = [.corrupt("/x.rpm", "bad")]
        report.seconds = 2.43
        #expect(report.summary == "1,204 packages: 12 new, 3 changed, 2 removed, 1 unreadable; 1,871 kernels; 2.4 s")
        #expect(DebuginfoIndexer.Report.grouped(1_000_000) == "1,000,000")
    }
}

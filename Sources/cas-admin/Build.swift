import ArgumentParser
import CASCLI
import CASCore
import Foundation

extension CASAdmin {
    struct Build: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Index the kernel debuginfo packages under 'kernels' (same as -b).",
            discussion: """
                Reads only package headers (RPM headers, a Debian package's control.tar) and loose vmlinux \
                files; a Debian package without md5sums (plain dpkg-deb --build) is listed from its data.tar \
                member names instead, read once. Only new and changed packages are read, vanished ones are \
                removed. A package that cannot be read is reported on standard error and skipped: the exit \
                status stays 0 and the summary line counts it as unreadable. Packages holding no kernel are \
                counted too ("without a kernel"); --verbose lists them, and kernels without a build ID, \
                with the reason. With --prefetch N (or [maintenance] prefetch), the vmlinux of the N newest \
                kernels per architecture not yet in the debugs cache is then extracted, within debugsLimit.
                """)

        @OptionGroup var index: IndexOptions

        @OptionGroup var prefetching: Prefetching

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await Self.perform(
                global: global, full: index.full, allowEmpty: index.allowEmpty, prefetch: prefetching.prefetch)
        }

        static func perform(global: GlobalOptions, full: Bool, allowEmpty: Bool = false, prefetch: Int?) async throws {
            try await AdminSession.run(global, autoPurge: true) { session in
                let (settings, store) = (session.settings, try session.store())
                let terminal = isatty(STDERR_FILENO) == 1
                let indexer = DebuginfoIndexer(options: settings.indexerOptions, store: store)
                let report = try await indexer.build(full: full, allowEmpty: allowEmpty) { done, total in
                    guard terminal, done == total || done % 25 == 0 else { return }
                    FileHandle.standardError.write(Data("\r\u{1b}[Kreading packages: \(done)/\(total)".utf8))
                    if done == total { FileHandle.standardError.write(Data("\r\u{1b}[K".utf8)) }
                }
                for failure in report.unreadable {
                    FileHandle.standardError.write(Data("cas-admin: skipped \(failure.description)\n".utf8))
                }
                for directory in report.unlistedDirectories {
                    let user = FileKind.userName(geteuid())
                    FileHandle.standardError.write(
                        Data("cas-admin: cannot list \(directory) as \(user): its indexed packages were kept\n".utf8))
                }
                if global.verbose {
                    for line in report.details { FileHandle.standardError.write(Data("cas-admin: \(line)\n".utf8)) }
                }
                print(report.summary)
                let count = prefetch ?? settings.prefetch
                guard count > 0 else { return }
                let prefetcher = Prefetcher(debugs: settings.debugs, debugsLimit: settings.debugsLimit, store: store)
                let prefetched = try await prefetcher.run(count: count)
                for name in prefetched.extracted {
                    FileHandle.standardError.write(Data("cas-admin: prefetched \(name)\n".utf8))
                }
                for name in prefetched.overLimit {
                    FileHandle.standardError.write(Data("cas-admin: not prefetched \(name): over debugsLimit\n".utf8))
                }
                for failure in prefetched.failures {
                    FileHandle.standardError.write(Data("cas-admin: prefetch failed: \(failure)\n".utf8))
                }
                print(prefetched.summary)
            }
        }
    }
}

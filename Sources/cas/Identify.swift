import ArgumentParser
import CASCLI
import CASCore
import Foundation

extension CAS {
    struct Identify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tell which kernel a dump is from, reading only its headers.",
            discussion: """
                Reads ELF cores, kdump-compressed and diskdump files, and makedumpfile's flattened format, \
                directly or through any compression or archive around them (tar, zip, cpio, 7z, gzip, bzip2, \
                xz, lzma, zstd, lz4, nested), without unpacking the dump to disk.

                Exit status: 0 when every file was identified; 65 when a file is not a dump or is corrupt; \
                66 when a file is missing or unreadable.
                """
        )

        @Argument(help: "Dump files or archives holding one.")
        var files: [String]

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            global.bootstrapLogging(defaultLevel: .warning)
            let bufferSize = (try? global.loadSettings().bufferSize) ?? (64 << 20)
            var worst: ExitStatus = .ok
            var results: [Identification] = []
            for (index, file) in files.enumerated() {
                do {
                    let result = try Identification.identify(path: file, bufferSize: bufferSize)
                    results.append(result)
                    if !global.json {
                        if index > 0 { print("") }
                        print(result.text)
                    }
                } catch {
                    FileHandle.standardError.write(Data("cas identify: \(error.description)\n".utf8))
                    if worst == .ok || error.exitStatus == .badInput { worst = error.exitStatus }
                }
            }
            if global.json { try printJSON(results) }
            if worst != .ok { throw ExitCode(worst.rawValue) }
        }
    }
}

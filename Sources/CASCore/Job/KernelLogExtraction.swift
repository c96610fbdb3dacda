import Foundation

/// `cas dmesg`: the kernel log of a dump given as a plain file or inside compression and archives.
public enum KernelLogExtraction {
    /// One dump's log.
    public struct Result: Sendable {
        public var path: String
        /// The member inside the upload that is the dump; nil for a plain dump.
        public var member: String?
        public var identity: KernelIdentity
        public var log: KernelLog
    }

    /// Reads the log of the dump in `path`. A plain dump is read in place (a few pages); a compressed one
    /// is decompressed as far as the log's pages lie, into an unlinked sparse temporary file in
    /// `temporaryDirectory`, never more than `spillLimit` bytes.
    public static func read(path: String, bufferSize: Int64, spillLimit: Int64, temporaryDirectory: String? = nil)
        throws(KernelLogExtractionError) -> Result
    {
        guard access(path, R_OK) == 0 else {
            throw .identify(.noInput(path, access(path, F_OK) == 0 ? "not readable" : "no such file"))
        }
        if let source = try? FileByteSource(path: path),
            let prefix = try? source.read(at: 0, count: DumpFormat.sniffLength)
        {
            switch DumpFormat.sniff(prefix) {
            case .elf, .kdumpCompressed, .diskdump, .flattened:
                return try read(source, path: path, member: nil, bufferSize: bufferSize)
            default: break
            }
        }
        let walker = LayerWalker(path: path, displayName: path)
        var outcome: Swift.Result<Result, KernelLogExtractionError>?
        do throws(ArchiveError) {
            try walker.walk(other: { _ in }) { (leaf) throws(ArchiveError) -> LayerWalker.Step in
                if !leaf.isPlainFile, DumpFormat.sniff(try leaf.stream.peek(DumpFormat.sniffLength)) == nil {
                    return .next
                }
                do throws(KernelLogExtractionError) {
                    if leaf.isPlainFile {
                        let source: FileByteSource
                        do throws(ByteSourceError) { source = try FileByteSource(path: path) } catch {
                            throw .identify(.dump(.read(error)))
                        }
                        outcome = .success(try read(source, path: path, member: nil, bufferSize: bufferSize))
                        return .stop
                    }
                    let member = (leaf.layer.components(separatedBy: " ⊃ ").dropFirst() + [leaf.path])
                        .joined(separator: " ⊃ ")
                    let source: SpillByteSource
                    do throws(ByteSourceError) {
                        source = try SpillByteSource(
                            stream: leaf.stream, name: "\(path) ⊃ \(member)", size: leaf.declaredSize,
                            limit: spillLimit, directory: temporaryDirectory)
                    } catch {
                        throw .identify(.dump(.read(error)))
                    }
                    outcome = .success(try read(source, path: path, member: member, bufferSize: bufferSize))
                } catch {
                    outcome = .failure(error)
                }
                return .stop
            }
        } catch {
            throw .identify(.archive(error))
        }
        switch outcome {
        case .success(let result): return result
        case .failure(let error): throw error
        case nil: throw .identify(.notADump(path, walker.summary + " with no kernel dump in it"))
        }
    }

    private static func read(_ source: any ByteSource, path: String, member: String?, bufferSize: Int64)
        throws(KernelLogExtractionError) -> Result
    {
        let name = member.map { "\(path) ⊃ \($0)" } ?? path
        let identity: KernelIdentity
        do throws(DumpError) {
            identity = try DumpIdentifier.identify(source, name: name, bufferSize: bufferSize)
        } catch {
            throw .identify(.dump(error))
        }
        do throws(KernelLogError) {
            let log = try KernelLogReader.read(source, name: name, identity: identity)
            return Result(path: path, member: member, identity: identity, log: log)
        } catch {
            throw .log(error)
        }
    }
}

/// Why `cas dmesg` could not read a dump's log: the dump itself, or the log in it.
public enum KernelLogExtractionError: CASError {
    case identify(IdentifyError)
    case log(KernelLogError)

    public var description: String {
        switch self {
        case .identify(let error): error.description
        case .log(let error): error.description
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .identify(let error): error.exitStatus
        case .log(let error): error.exitStatus
        }
    }
}

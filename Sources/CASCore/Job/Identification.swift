import Foundation

/// Where Archive and Dump meet: which member of an upload is the dump (by its magic) and what kernel it is
/// from, read through the layers, never unpacking. Used by `cas identify` and by ``IntakeStage``.
public enum Identification {
    /// One identified dump.
    public struct Result: Sendable {
        /// The file given.
        public var path: String
        /// The member inside the upload that is the dump ("vmcore.tar.gz ⊃ vmcore"); nil for a plain dump.
        public var member: String?
        public var identity: KernelIdentity
        /// Bytes of the file read (compressed) to get there; the file's size for a plain dump is not read whole.
        public var bytesRead: Int64 = 0
    }

    /// Rank for intake's choice: 2 a dump CAS reads, 1 a format recognised but unsupported, 0 not a dump.
    public static func dumpRank(_ prefix: [UInt8]) -> Int {
        switch DumpFormat.sniff(prefix) {
        case nil: 0
        // An ELF executable or module inside an upload (a vmlinux, a .ko) is an extra member, never the dump.
        case .unsupported(let what) where what == DumpFormat.elfExecutableMessage: 0
        case .unsupported: 1
        default: 2
        }
    }

    /// Identifies the dump in `path`: directly for a plain file, otherwise through every compression and
    /// archive layer, decompressing only as far as the dump's headers.
    public static func identify(path: String, bufferSize: Int64) throws(IdentifyError) -> Result {
        if let problem = FileKind.problem(path) { throw .noInput(path, problem) }
        if let direct = try identifyPlainDump(path: path, bufferSize: bufferSize) { return direct }
        do {
            return try identifyInside(path: path, bufferSize: bufferSize, randomAccess: false)
        } catch .dump(.read(let error)) where error.reason.hasPrefix(StreamByteSource.readBackReason) {
            // The dump's headers point back into memory already streamed past (an s390x kdump's lowcore
            // pointer to its VMCOREINFO): read the member again, spilled to a temporary file as far as needed.
            return try identifyInside(path: path, bufferSize: bufferSize, randomAccess: true)
        }
    }

    /// ``identify(path:bufferSize:)`` through the layers of an archive or compressed file: the dump member is
    /// read forward only (a window), or with `randomAccess` through a ``SpillByteSource``.
    private static func identifyInside(path: String, bufferSize: Int64, randomAccess: Bool) throws(IdentifyError)
        -> Result
    {
        let walker = LayerWalker(path: path, displayName: path)
        var found: Result?
        var failure: IdentifyError?
        do throws(ArchiveError) {
            try walker.walk(other: { _ in }) { (leaf) throws(ArchiveError) -> LayerWalker.Step in
                if !leaf.isPlainFile {
                    let prefix = try leaf.stream.peek(DumpFormat.sniffLength)
                    if DumpFormat.sniff(prefix) == nil { return .next }
                }
                do throws(DumpError) {
                    if leaf.isPlainFile {
                        let source: FileByteSource
                        do throws(ByteSourceError) { source = try FileByteSource(path: path) } catch {
                            throw DumpError.read(error)
                        }
                        let identity = try DumpIdentifier.identify(source, name: path, bufferSize: bufferSize)
                        found = Result(path: path, member: nil, identity: identity)
                        return .stop
                    }
                    let member = (leaf.layer.components(separatedBy: " ⊃ ").dropFirst() + [leaf.path])
                        .joined(separator: " ⊃ ")
                    let limit = Int(min(bufferSize, 1 << 40)) + (64 << 20)
                    let source: any ByteSource
                    if randomAccess {
                        do throws(ByteSourceError) {
                            source = try SpillByteSource(
                                stream: leaf.stream, name: "\(path) ⊃ \(member)", size: leaf.declaredSize,
                                limit: leaf.declaredSize ?? (1 << 40))
                        } catch {
                            throw DumpError.read(error)
                        }
                    } else {
                        source = StreamByteSource(stream: leaf.stream, name: "\(path) ⊃ \(member)",
                                                  size: leaf.declaredSize, limit: limit)
                    }
                    let identity = try DumpIdentifier.identify(source, name: "\(path) ⊃ \(member)",
                                                               bufferSize: bufferSize)
                    found = Result(path: path, member: member, identity: identity)
                } catch {
                    failure = .dump(error)
                }
                return .stop
            }
        } catch {
            throw .archive(error)
        }
        if let failure { throw failure }
        found?.bytesRead = walker.inputBytesRead
        guard let found else { throw .notADump(path, walker.summary + " with no kernel dump in it") }
        return found
    }

    /// A file that starts with a dump format's magic is read directly, without setting up libarchive
    /// (whose format bidding reads and scans the first MiB); nil for anything else.
    private static func identifyPlainDump(path: String, bufferSize: Int64) throws(IdentifyError) -> Result? {
        guard let source = try? FileByteSource(path: path),
            let prefix = try? source.read(at: 0, count: DumpFormat.sniffLength)
        else { return nil }
        switch DumpFormat.sniff(prefix) {
        case .elf, .kdumpCompressed, .diskdump, .flattened:
            do throws(DumpError) {
                let identity = try DumpIdentifier.identify(source, name: path, bufferSize: bufferSize)
                return Result(path: path, member: nil, identity: identity)
            } catch {
                throw .dump(error)
            }
        case .unsupported, nil:
            return nil
        }
    }

    /// The dump format the first bytes of `file` show, if any.
    static func sniff(file: String) -> DumpFormat? {
        guard let handle = FileHandle(forReadingAtPath: file) else { return nil }
        defer { try? handle.close() }
        return DumpFormat.sniff([UInt8]((try? handle.read(upToCount: DumpFormat.sniffLength)) ?? Data()))
    }
}

/// Why `cas identify` could not name a dump's kernel.
public enum IdentifyError: CASError {
    /// The file (or what it holds) is not a dump; the text says what it is.
    case notADump(String, String)
    case noInput(String, String)
    case dump(DumpError)
    case archive(ArchiveError)

    public var description: String {
        switch self {
        case .notADump(let path, let what): "\(path): not a kernel crash dump: \(what)"
        case .noInput(let path, let why): "\(path): \(why)"
        case .dump(let error): error.description
        case .archive(let error): error.description
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .notADump: .badInput
        case .noInput: .noInput
        case .dump(let error): error.exitStatus
        case .archive(let error): error.exitStatus
        }
    }
}

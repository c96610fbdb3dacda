/// Why reading or unpacking an upload failed: one line naming the layer or member and what to do.
public enum ArchiveError: CASError {
    /// libarchive's own message, with the layer it happened in ("case.zip ⊃ vmcore.tar.gz").
    case message(String, String)
    /// A stream broke while a member was being read: layer, member, bytes of it read, libarchive's message.
    case broken(layer: String, member: String, after: Int64, reason: String)
    /// An entry that could write outside the job directory or is not a plain file or directory.
    case unsafe(layer: String, member: String, why: String)
    /// Archives nested deeper than the walker follows.
    case tooDeep(String, Int)
    /// A decompression bomb: more output than the limits allow.
    case bomb(layer: String, why: String)
    /// The job directory's file system is (about to be) full.
    case noSpace(member: String, need: Int64?, free: Int64, mount: String)
    /// Nothing in the upload is a kernel crash dump; the text says what it held.
    case noDump(String, String)
    /// The upload or the job directory cannot be opened, read or written.
    case io(String, String, ExitStatus)

    public var description: String {
        switch self {
        case .message(let layer, let message): "\(layer): \(message)"
        case .broken(let layer, let member, let after, let reason):
            "\(layer): stream ends early or is corrupt after \(ByteCount.format(after)) of \(member) (\(reason))"
        case .unsafe(let layer, let member, let why):
            "\(layer): refusing unsafe entry '\(member)': \(why); nothing was unpacked"
        case .tooDeep(let layer, let depth):
            "\(layer): archives nested more than \(depth) deep; unpack the outer layers by hand"
        case .bomb(let layer, let why): "\(layer): looks like a decompression bomb: \(why)"
        case .noSpace(let member, let need, let free, let mount):
            if let need {
                "need about \(ByteCount.format(need)) for \(member), \(ByteCount.format(free)) free on \(mount)"
            } else {
                "not enough space for \(member): \(ByteCount.format(free)) free on \(mount)"
            }
        case .noDump(let name, let held): "\(name): no kernel crash dump in it (\(held))"
        case .io(let path, let why, _): "\(path): \(why)"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .noSpace: .cannotWrite
        case .io(_, _, let status): status
        default: .badInput
        }
    }
}

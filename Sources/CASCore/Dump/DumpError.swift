/// Why a dump could not be identified; always names the file.
public enum DumpError: CASError {
    /// Not a crash dump; the text says what the data is instead.
    case notADump(String, String)
    /// A dump format crash knows that CAS does not read.
    case unsupported(String, String)
    /// A header field is impossible (offset past the end, absurd size…).
    case corrupt(String, String)
    /// The file ends inside a header.
    case truncated(String, String)
    /// The headers hold no kernel release or banner.
    case noKernelIdentity(String)
    /// Reading failed.
    case read(ByteSourceError)

    public var description: String {
        switch self {
        case .notADump(let name, let what): "\(name): not a kernel crash dump (\(what))"
        case .unsupported(let name, let format): "\(name): \(format) is recognised but not supported"
        case .corrupt(let name, let why): "\(name): corrupt header: \(why)"
        case .truncated(let name, let why): "\(name): truncated: \(why)"
        case .noKernelIdentity(let name): "\(name): no kernel release or banner found in the dump's headers"
        case .read(let error): error.description
        }
    }

    public var exitStatus: ExitStatus {
        if case .read(let error) = self { return error.exitStatus }
        return .badInput
    }
}

/// Why a job could not start or had to stop outside any one stage.
public enum JobError: CASError {
    case badID(String)
    case cannotCreate(String, String)
    case noServer(arch: String, known: [String])
    case stage(step: String, error: any CASError)

    public var description: String {
        switch self {
        case .badID(let problem): "bad ID: \(problem)"
        case .cannotCreate(let path, let why): "cannot create \(path): \(why)"
        case .noServer(let arch, let known):
            known.isEmpty
                ? "no analysis server for \(arch) dumps: add one to [servers] hosts and run 'cas-admin -s'"
                : "no available analysis server for \(arch) dumps (known: \(known.joined(separator: ", "))); run 'cas-admin -s' to re-probe"
        case .stage(_, let error): error.description
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .badID: .usage
        case .cannotCreate: .cannotWrite
        case .noServer: .noServer
        case .stage(_, let error): error.exitStatus
        }
    }
}

/// Why a job could not start or had to stop outside any one stage.
public enum JobError: CASError {
    case badID(String)
    case cannotCreate(String, String)
    /// The user's file cannot be used (missing, unreadable, not a file).
    case input(String, String)
    case stage(step: String, error: any CASError)

    public var description: String {
        switch self {
        case .badID(let problem): "bad ID: \(problem)"
        case .cannotCreate(let path, let why): "cannot create \(path): \(why)"
        case .input(let path, let why): "\(path): \(why)"
        case .stage(_, let error): error.description
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .badID: .usage
        case .cannotCreate: .cannotWrite
        case .input: .noInput
        case .stage(_, let error): error.exitStatus
        }
    }

    /// A stage's failure; an error that is not a ``CASError`` is reported as an internal failure.
    static func wrap(_ step: String, _ error: any Error) -> JobError {
        if let error = error as? any CASError { return .stage(step: step, error: error) }
        return .stage(step: step, error: CommandError.cannotStart(step, "\(error)"))
    }
}

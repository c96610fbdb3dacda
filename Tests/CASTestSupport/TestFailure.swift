/// The one error the test kit and the tests throw when a test's own setup fails: what was done and what
/// came back (a tool's exit status and output, a missing file).
public struct TestFailure: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) { self.description = description }
}

import Foundation

extension ServerProbe.Result {
    /// The database row for this probe made at `now`: a server is seen when it answered with its architecture.
    public func record(probedAt now: Date) -> ServerRecord {
        ServerRecord(
            host: server.host, port: server.port, arch: arch, crashVersion: crashVersion,
            sharedStorage: sharedStorage, available: available, lastSeen: arch != nil ? now : nil,
            lastError: problem)
    }
}

import Foundation
import Testing

@testable import CASCore

@Suite("Server probe records")
struct ServerRecordTests {
    @Test func aServerIsSeenOnlyWhenItToldItsArchitecture() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let answered = ServerProbe.Result(
            server: ServerAddress(host: "a.example", port: 2222), arch: "x86_64", crashVersion: "8.0.6",
            sharedStorage: true, available: true, problem: nil)
        #expect(
            answered.record(probedAt: now)
                == ServerRecord(
                    host: "a.example", port: 2222, arch: "x86_64", crashVersion: "8.0.6", sharedStorage: true,
                    available: true, lastSeen: now, lastError: nil))
        let silent = ServerProbe.Result(
            server: ServerAddress(host: "b.example"), arch: nil, crashVersion: nil, sharedStorage: false,
            available: false, problem: "Connection refused")
        let record = silent.record(probedAt: now)
        #expect(record.lastSeen == nil && record.lastError == "Connection refused" && !record.available)
        #expect(record.host == "b.example" && record.port == 22)
    }
}

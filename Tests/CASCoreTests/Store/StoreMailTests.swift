import CASTestSupport
import Foundation
import Testing

@testable import CASCore

struct StoreMailTests {
    @Test func recipientsAndMailStateRoundTrip() throws {
        let dir = try makeTemporaryDirectory("store-mail")
        let store = try Store(path: dir.appendingPathComponent("cas.db").path)
        #expect(try store.schemaVersion() == Store.latestSchemaVersion)
        let job = try store.insertJob(JobRecord(caseId: "9", directory: dir.path + "/9/x", state: .done, pid: nil))
        let id = try #require(job.id)
        #expect(try store.recipients(jobId: id).isEmpty)
        try store.setRecipients(["a@example.com", #""q"@example.com"#], jobId: id)
        #expect(try store.recipients(jobId: id) == ["a@example.com", #""q"@example.com"#])
        try store.setMailState("sent 2026-01-01T00:00:00Z", jobId: id)
        var reread = try #require(try store.jobs(caseId: "9").first)
        #expect(reread.mailState == "sent 2026-01-01T00:00:00Z")
        // Saving the whole record (as the job does) keeps the recipients column.
        reread.state = .done
        try store.updateJob(reread)
        #expect(try store.recipients(jobId: id) == ["a@example.com", #""q"@example.com"#])
    }
}

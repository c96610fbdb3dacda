import Foundation

extension AnalysisJob {
    /// A job that ended before crash ran (no `crash.out`) gives back the disk its copy of the upload takes
    /// (`input/`), unless `[maintenance] keepFailedInput`: the log, job.json, findings and dmesg stay, the
    /// user's file was never touched, and a retry copies it again, so failed retries leave no duplicates.
    func giveBackInput() {
        guard !keepFailedInput,
            !FileManager.default.fileExists(atPath: directory.path + "/" + JobLayout.crashOutput),
            let removal = Purger.removeInput(jobDirectory: directory.path)
        else { return }
        for failure in removal.failures { logger.warning("cannot remove the copy of the upload: \(failure)") }
        let size = ByteCount.format(removal.freed)
        let why = "the job ended before crash ran and \(request.file) is unchanged"
        let keep = "[maintenance] keepFailedInput = Yes keeps it"
        logger.info("removed the job's copy of the upload (\(JobLayout.input)/, \(size)): \(why) (\(keep))")
        // job.json exists once the dump is known (an unpacking failure leaves the log alone).
        guard report.dump != nil else { return }
        let entry: [String: Any] = ["freedBytes": removal.freed, "complete": removal.failures.isEmpty]
        do { try JobJSON.merge(["inputRemoved": entry], into: directory.path) } catch {
            logger.warning("cannot record the removal in job.json: \(error)")
        }
    }
}

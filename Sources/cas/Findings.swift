import ArgumentParser
import CASCLI
import CASCore
import Foundation

extension CAS {
    struct Findings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-run the findings rules on an existing job directory.",
            discussion: """
                Reads the job's crash outputs (sys, log, traceback, memory…), evaluates the built-in rules \
                and the site rules directory named by 'rules' in the configuration, and rewrites findings.txt \
                and the findings of job.json. Prints findings.txt, or with --json the report: headline, cause, \
                culprit {function, offset, module, moduleTaint, source, stack}, task {pid, command, cpu}, \
                findings (the cause first) and facts.
                """
        )

        @Argument(help: "The job directory (<workDirectory>/<ID>/<timestamp> or <ID>/latest).")
        var jobDirectory: String

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            global.bootstrapLogging()
            try await reportingErrors("cas findings") {
                let settings = try global.loadSettings()
                let report: FindingsReport
                if access(jobDirectory, W_OK) == 0 {
                    report = try FindingsEngine.run(jobDirectory: jobDirectory, siteRules: settings.rules)
                } else {
                    // An analyst reads a job of the casuser's: the findings are printed, the job is left as it is.
                    report = try FindingsEngine.evaluate(jobDirectory: jobDirectory, siteRules: settings.rules)
                    FileHandle.standardError.write(Data(
                        ("cas findings: not rewriting findings.txt and job.json: \(Escaped.text(jobDirectory)) is not "
                            + "writable by \(Settings.currentUserName()) (the casuser \(settings.casUser) may rewrite them)\n").utf8))
                }
                if global.json {
                    try printJSON(report)
                } else {
                    // Findings quote crash output and the dump's log: no control character reaches the terminal.
                    print(Escaped.lines(report.summary), terminator: "")
                }
            }
        }
    }
}

import ArgumentParser
import CASCLI
import CASCore
import Foundation

extension CASAdmin {
    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove jobs older than purgeLimit days, keeping NOPURGE ones (same as -p).",
            discussion: """
                Keeps a job whose directory or whose <ID> directory holds a NOPURGE file, and any job still \
                running. Also evicts debug kernels from the debugs cache that no job used within purgeLimit \
                days, and least recently used ones while the cache exceeds debugsLimit. On a terminal it asks \
                once unless --yes; from cron it proceeds. Exits 73 when something could not be removed.
                """)

        @OptionGroup var retention: Retention

        @OptionGroup var purging: PurgeOptions

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await Self.perform(global: global, days: retention.days, dryRun: purging.dryRun, yes: purging.yes)
        }

        static func perform(global: GlobalOptions, days: Int?, dryRun: Bool, yes: Bool) async throws {
            global.bootstrapLogging()
            let report = try await reportingErrors("cas-admin") {
                let settings = try global.loadSettings()
                try startAdminSession(settings)
                let purger = try Purger(settings: settings, store: try Store(path: settings.database), days: days)
                let plan = try purger.plan()
                if dryRun { return purger.execute(plan, dryRun: true) }
                if !yes, !plan.isEmpty, isatty(STDIN_FILENO) == 1, isatty(STDERR_FILENO) == 1,
                    !confirm(purger.execute(plan, dryRun: true))
                {
                    var nothing = PurgeReport(dryRun: false)
                    (nothing.keptNoPurge, nothing.running) = (plan.keptNoPurge, plan.running)
                    return nothing
                }
                return purger.execute(plan, dryRun: false)
            }
            if global.json {
                try printJSON(report)
            } else {
                for item in report.removed where dryRun || global.verbose {
                    print("\(item.path)\t\(ByteCount.format(item.freed))")
                }
                for failure in report.failures { FileHandle.standardError.write(Data("cas-admin: \(failure)\n".utf8)) }
                print(report.summary)
            }
            if !report.complete { throw ExitCode(ExitStatus.cannotWrite.rawValue) }
        }

        /// Asks once on the terminal; true only for an explicit yes.
        static func confirm(_ preview: PurgeReport) -> Bool {
            var what = PurgeReport.count(preview.jobs.count, "job")
            if !preview.cachedKernels.isEmpty {
                what += " and " + PurgeReport.count(preview.cachedKernels.count, "cached kernel")
            }
            FileHandle.standardError.write(
                Data("remove \(what) (\(ByteCount.format(preview.bytesFreed)))? [y/N] ".utf8))
            guard let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
            return answer == "y" || answer == "yes"
        }
    }

    /// `autoPurge = Yes`: purges before the command runs, as the original did; one line on standard error
    /// when something was removed or could not be. Never stops the command itself.
    static func autoPurge(_ global: GlobalOptions) {
        // Only the casuser purges: an analyst listing jobs has no right to remove them.
        guard let settings = try? Settings.load(Settings.Locator(explicitPath: global.config)), settings.autoPurge,
            geteuid() == 0 || Settings.currentUserName() == settings.casUser
        else { return }
        do {
            let purger = try Purger(settings: settings, store: try Store(path: settings.database))
            let report = purger.execute(try purger.plan(), dryRun: false)
            for failure in report.failures { FileHandle.standardError.write(Data("cas-admin: \(failure)\n".utf8)) }
            if !report.removed.isEmpty || !report.complete {
                FileHandle.standardError.write(Data("cas-admin: autoPurge: \(report.summary)\n".utf8))
            }
        } catch let error as any CASError {
            FileHandle.standardError.write(Data("cas-admin: autoPurge: \(error.description)\n".utf8))
        } catch {
            FileHandle.standardError.write(Data("cas-admin: autoPurge: \(error)\n".utf8))
        }
    }
}

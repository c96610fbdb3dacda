import ArgumentParser
import CASCLI
import CASCore
import Foundation

struct CAS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cas",
        abstract: "Core Analysis System: turn a kernel crash dump into a ready analysis directory.",
        discussion: """
            cas -i ID -f FILE unpacks FILE (a dump, or any tar/zip/gz/bz2/xz/zst wrapping of one, nested), \
            identifies the kernel from the dump's own headers, finds the matching debug vmlinux in the index \
            built by 'cas-admin -b', runs crash with the standard commands (Snippets/), splits the outputs into \
            files, writes first findings, and mails the results to every -e address. Right after identifying, the \
            kernel log is read from the dump itself into 'dmesg' (as 'cas dmesg' prints it) with first findings \
            from it, so a job that then finds no debuginfo (69), no server (76) or fails in crash (70) still \
            ends (state partial) with the log and the findings.

            Stages, as the log, job.json ('state', and 'step' when failed) and 'cas-admin list jobs' name them: \
            intake (unpack FILE into input/, choose the dump), identify (kernel, dmesg, first findings), \
            lookup (debuginfo and its vmlinux), crash (run crash, outputs, findings); then done, partial or failed.

            The job lands in <workDirectory>/<ID>/<YYYY.MM.DD.HH.MM.SS>/, with <ID>/latest pointing at it; \
            './crash' there opens an interactive session.

            Configuration: --config PATH, else $CAS_CONFIG, else /etc/cas.conf, else a built-in default \
            under $XDG_DATA_HOME/cas (~/.local/share/cas).

            \(exitStatusHelp)
            """,
        subcommands: [Identify.self, Dmesg.self, Findings.self, Unpack.self]
    )

    /// Everything but the fast path (see main.swift): parses the command line and runs the command on the
    /// main actor, as an `async` main would, then exits.
    @MainActor static func runParsed() -> Never {
        Task { @MainActor in
            await main(nil)
            Foundation.exit(0)
        }
        dispatchMain()
    }

    @Option(name: [.customShort("i"), .long], help: "Unique ID for the core, usually the case number.")
    var identifier: String?

    @Option(name: [.customShort("f"), .long], help: "The dump or the archive holding it (never moved or changed).")
    var file: String?

    @Option(name: [.customShort("e"), .long], help: "Mail the results to this address (repeatable).")
    var email: [String] = []

    @Flag(
        name: [.customShort("m"), .long],
        help: "Also load the loaded modules' debug files (from the package, else from debuginfod by build ID).")
    var modules = false

    @OptionGroup var global: GlobalOptions

    /// Checks -i and -f before anything is written. ArgumentParser validates this root command even when
    /// a subcommand (`cas identify`) follows, so with no job option at all the check waits for ``run()``.
    func validate() throws {
        guard identifier != nil || file != nil || !email.isEmpty || modules else { return }
        try validateJob()
    }

    func validateJob() throws {
        guard let identifier else {
            throw ValidationError("missing -i ID (the case number the job is filed under)")
        }
        if let problem = CaseID.problem(identifier) { throw ValidationError("bad -i: \(problem)") }
        guard let file, !file.isEmpty else { throw ValidationError("missing -f FILE (the dump or archive to analyse)") }
        for address in email {
            if let why = MailAddress.problem(address) { throw ValidationError("bad -e '\(MailAddress.printable(address))': \(why)") }
        }
    }

    func run() async throws {
        try validateJob()
        global.bootstrapLogging()
        let report = try await reportingErrors("cas") { () async throws -> JobReport in
            Privileges.restrictUmask()
            let settings = try global.loadSettings()
            if geteuid() == 0 {
                let snippets = settings.snippets ?? Snippet.defaultDirectory(executablePath: FileSystem.executablePath())
                try RootTrust.check(settings: settings, snippetsDirectory: snippets)
            }
            try Privileges.dropRoot(to: settings.casUser)
            // The team model: only the casuser (or root, which switched to it above) files jobs.
            try Privileges.requireCasuser(settings.casUser)
            if settings.analysts != nil { Privileges.restrictUmask(groupReadable: true) }
            if geteuid() == 0 { FileHandle.standardError.write(Data("cas: warning: \(RootTrust.rootCasuserWarning)\n".utf8)) }
            let mailer = try MailDelivery.prepare(settings: settings, recipients: email)
            let store = try Store(path: settings.database)
            let file = URL(fileURLWithPath: self.file!).standardizedFileURL.path
            let request = JobRequest(
                caseId: identifier!, file: file, emails: email, modules: modules,
                executablePath: FileSystem.executablePath())
            let job = try AnalysisJob.start(request, settings: settings, store: store, mailer: mailer)
            return await job.run()
        }
        if global.json { try printJSON(report) }
        if report.error != nil {
            // The failure itself is already on standard error, from the job's log ("cas: error: … failed: …").
            FileHandle.standardError.write(Data("cas: the log is \(report.directory)/\(report.id).log\n".utf8))
        } else if !global.json {
            print(report.directory)
        }
        let status = report.exitStatus ?? 0
        if status != 0 { throw ExitCode(status) }
    }
}

import Foundation
import Logging

/// The crash stage: `crash.in` from the snippets and the `crash` wrapper, crash run where the dump's
/// architecture says (``CrashPlace``: here, with crash_32, or on a server through ``RemoteCrashRunner``),
/// and with `-m` the module pass on the module debug files taken from the same package.
public struct CrashStage: Sendable {
    public var settings: Settings
    public var store: Store
    /// The running executable, to find the installed snippets.
    public var executablePath: String
    public var caseId: String
    /// `-m`: load the modules' debug files and rerun the backtraces.
    public var modules: Bool
    let logger = Logger.cas("cas")

    public init(settings: Settings, store: Store, request: JobRequest) {
        self.settings = settings
        self.store = store
        executablePath = request.executablePath
        caseId = request.caseId
        modules = request.modules
    }

    /// What the stage needs: the job directory, the dump (absolute), the vmlinux link (relative to the job
    /// directory), the dump's kernel and the index's match (for the architecture when the dump names none, and
    /// for the module files).
    public struct Input: Sendable {
        public var jobDirectory: String
        public var dump: String
        public var vmlinux: String
        public var identity: KernelIdentity
        public var match: KernelMatch?

        public init(jobDirectory: String, dump: String, vmlinux: String, identity: KernelIdentity, match: KernelMatch?) {
            (self.jobDirectory, self.dump, self.vmlinux) = (jobDirectory, dump, vmlinux)
            (self.identity, self.match) = (identity, match)
        }
    }

    /// What crash did.
    public struct Output: Sendable {
        /// This host's name, or the server's address.
        public var server: String
        public var report: CrashAnalysis.Report
        /// The `-m` pass, when it ran.
        public var modules: CrashModules.Load?

        public init(server: String, report: CrashAnalysis.Report, modules: CrashModules.Load? = nil) {
            (self.server, self.report, self.modules) = (server, report, modules)
        }
    }

    public func run(_ input: Input) async throws -> Output {
        // An unknown architecture never becomes the host's: the matched package's, else no place to run.
        guard let dumpArch = input.identity.arch ?? input.match?.kernel.arch.map(CrashPlace.normalized) else {
            throw CrashError.unavailable(RemoteError.unknownArch)
        }
        if input.identity.arch == nil {
            logger.warning("the dump names no architecture; using the matched package's: \(dumpArch)")
        }
        let place = CrashPlace.choose(
            dumpArch: dumpArch, hostArch: CrashPlace.hostArchitecture(), crash32: settings.crash32,
            localAnalysis: settings.localAnalysis)
        let crash: String
        if case .crash32(let path) = place { crash = path } else { crash = settings.crash }
        guard let snippets = settings.snippets ?? Snippet.defaultDirectory(executablePath: executablePath) else {
            throw CrashError.noSnippets("the installed snippets (set [settings] snippets)")
        }
        let context = SnippetContext(
            arch: dumpArch, release: input.identity.release ?? input.match?.kernel.release ?? "unknown",
            jobDirectory: input.jobDirectory, caseID: caseId)
        let vmlinux = JobLayout.path(input.vmlinux, in: input.jobDirectory)
        let prepared = try await CrashPreparation.prepare(
            snippetsDirectory: snippets, context: context, crash: crash, dump: input.dump, vmlinux: vmlinux)
        for failure in prepared.snippetFailures { logger.warning("snippet skipped: \(failure)") }

        let runner: any CrashRunner
        switch place {
        case .remote(let arch):
            let ssh = SSH(user: settings.casUser, options: settings.sshOptions, connectTimeout: settings.sshConnectTimeout)
            let logger = logger
            runner = RemoteCrashRunner(
                remote: RemoteRunner(ssh: ssh, store: store), arch: arch, directory: input.jobDirectory
            ) { logger.info("\($0)") }
        case .local, .crash32:
            logger.info("running \(crash) on this host")
            runner = CrashRun(
                crash: crash, directory: input.jobDirectory, dump: input.dump, vmlinux: vmlinux,
                timeoutSeconds: settings.crashTimeout)
        }
        let analysis = CrashAnalysis(runner: runner, timeoutSeconds: settings.crashTimeout)
        let report = try await analysis.run(commands: Snippet.commands(in: prepared.input).filter { $0 != "exit" })
        var output = Output(server: report.server ?? ProcessInfo.processInfo.hostName, report: report)
        if modules {
            output.modules = try await modulePass(
                analysis, match: input.match, release: input.identity.release ?? input.match?.kernel.release)
        }
        return output
    }

    /// `-m`: extracts the loaded modules' debug files next to the vmlinux in the cache, fetches those the
    /// package lacks from the debuginfod servers by the build IDs the dump holds, and runs the module pass.
    func modulePass(_ analysis: CrashAnalysis, match: KernelMatch?, release: String?) async throws
        -> CrashModules.Load?
    {
        let directory = analysis.directory
        let table = (try? String(contentsOfFile: JobLayout.path(JobLayout.modules, in: directory), encoding: .utf8)) ?? ""
        let names = CrashModules.names(inTable: table)
        guard !names.isEmpty else {
            logger.info("-m: no modules were loaded")
            return nil
        }
        var extracted: VmlinuxCache.Extracted?
        if let match {
            do {
                extracted = try await VmlinuxCache(debugs: settings.debugs, store: store).vmlinux(
                    for: match, modules: names)
            } catch {
                guard !settings.debuginfodUrls.isEmpty else { throw error }
                logger.warning("-m: \(error.description); asking the debuginfod servers")
            }
        }
        let entry = extracted?.entry?.path
        var sources: [ModuleSource] = names.compactMap { name in
            extracted?.modules[name].map {
                ModuleSource(name: name, file: $0.path, source: match?.kernel.packagePath)
            }
        }
        let noFile = names.filter { extracted?.modules[$0] == nil }
        if !noFile.isEmpty {
            let list = noFile.map(Escaped.text).joined(separator: ", ")
            let inWhat = entry != nil ? "in the package" : "in the index"
            if settings.debuginfodUrls.isEmpty {
                logger.warning("-m: no debug file \(inWhat) for: \(list)")
            } else {
                logger.info("-m: no debug file \(inWhat) for: \(list); asking the debuginfod servers")
                sources += await fetchModuleDebugFiles(noFile, table: table, release: release, analysis: analysis)
            }
        }
        recordModuleSources(sources, in: directory)
        let files = sources.compactMap { source in
            source.extracted == nil ? nil : source.file.map { (name: source.name, path: $0) }
        }
        guard entry != nil || !files.isEmpty else {
            logger.warning("-m: no module debug files to load")
            return nil
        }
        let load = try await analysis.modulePass(moduleDirectory: entry, files: files, expected: names)
        let attempted = Set(files.map(\.name))
        let missing = load.missing.filter { !noFile.contains($0) || attempted.contains($0) }
        if !missing.isEmpty {
            logger.warning("-m: crash loaded no debug info for: \(missing.map(Escaped.text).joined(separator: ", "))")
        }
        for problem in load.problems { logger.warning("-m: \(Escaped.text(problem))") }
        if load.problems.isEmpty {
            let from = ([entry].compactMap { $0 } + (files.isEmpty ? [] : ["the debuginfod servers"]))
                .joined(separator: " and ")
            logger.info("-m: module symbols loaded from \(from) (see \(JobLayout.modulesTable), \(JobLayout.modulesOutput))")
        }
        withExtendedLifetime(sources) {}
        return load
    }
}

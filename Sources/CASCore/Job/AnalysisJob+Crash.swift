import Foundation

extension AnalysisJob {
    /// Writes `crash.in` and the wrapper, runs crash where the dump's architecture says, then the module pass.
    func analyse(identity: KernelIdentity, match: KernelMatch?, dump: String, vmlinux: String) async throws(JobError) {
        let hostArch = CrashPlace.hostArchitecture()
        // An unknown architecture never becomes the host's: the matched package's, else no place to run.
        guard let dumpArch = identity.arch ?? match?.kernel.arch.map(CrashPlace.normalized) else {
            throw .stage(step: "analysing", error: RemoteError.unknownArch)
        }
        if identity.arch == nil {
            logger.warning("the dump names no architecture; using the matched package's: \(dumpArch)")
        }
        let place = CrashPlace.choose(
            dumpArch: dumpArch, hostArch: hostArch, crash32: settings.crash32, localAnalysis: settings.localAnalysis)
        let crash: String
        switch place {
        case .crash32(let path): crash = path
        default: crash = settings.crash
        }
        guard let snippets = settings.snippets ?? Snippet.defaultDirectory(executablePath: request.executablePath) else {
            throw .stage(step: "analysing", error: CrashError.noSnippets("the installed snippets (set [settings] snippets)"))
        }
        let context = SnippetContext(
            arch: dumpArch, release: identity.release ?? match?.kernel.release ?? "unknown",
            jobDirectory: directory.path, caseID: request.caseId)
        let vmlinuxPath = directory.path + "/" + vmlinux
        let prepared: CrashPreparation.Prepared
        do {
            prepared = try await CrashPreparation.prepare(
                snippetsDirectory: snippets, context: context, crash: crash, dump: dump, vmlinux: vmlinuxPath)
            for failure in prepared.snippetFailures { logger.warning("snippet skipped: \(failure)") }
        } catch {
            throw .wrap("analysing", error)
        }
        let run = CrashRun(
            crash: crash, directory: directory.path, dump: dump, vmlinux: vmlinuxPath,
            timeoutSeconds: settings.crashTimeout)
        let commands = Snippet.commands(in: prepared.input).filter { $0 != "exit" }
        let outcome: CrashRunOutcome
        switch place {
        case .remote(let arch):
            outcome = try await runRemoteResuming(arch: arch, commands: commands)
        case .local, .crash32:
            logger.info("running \(crash) on this host")
            report.server = ProcessInfo.processInfo.hostName
            do { outcome = try await run.runResuming(commands: commands) } catch { throw .wrap("analysing", error) }
        }
        recordCommandFailures(outcome)
        recordCommandErrors(commands)
        record.server = report.server
        let crashOut = (try? String(contentsOfFile: directory.path + "/crash.out", encoding: .utf8)) ?? ""
        for warning in CrashOutputs.warnings(in: crashOut) { logger.warning("crash: \(warning)") }
        if request.modules {
            if let match {
                try await loadModules(match: match, run: run, place: place)
            } else {
                logger.warning(
                    "-m: the kernel came from a debuginfod server; module debug files are not fetched from it")
            }
        }
    }

    /// Says how much of the dump is missing (cut short, makedumpfile's incomplete flag, ELF segments past the
    /// end), in the log and job.json (`dumpCompleteness`); such a job ends done with warnings.
    func recordCompleteness(_ dumpPath: String) {
        guard let completeness = DumpCompleteness.check(path: dumpPath), let problem = completeness.problem else {
            return
        }
        logger.warning("\(problem); crash reads what is there, pages past the end read as errors")
        report.exitStatus = ExitStatus.doneWithWarnings.rawValue
        var entry: [String: Any] = [
            "actualBytes": completeness.actualBytes, "missingBytes": completeness.missingBytes,
            "incompleteFlag": completeness.incompleteFlag, "problem": problem,
        ]
        if let expected = completeness.expectedBytes { entry["expectedBytes"] = expected }
        do { try JobJSON.merge(["dumpCompleteness": entry], into: directory.path) } catch {
            logger.warning("cannot record the dump's completeness in job.json: \(error)")
        }
    }

    /// Logs each crash command that did not complete, records them in job.json (`crashFailures`), and makes the
    /// job end done with warnings (exit status 3) naming what is missing.
    func recordCommandFailures(_ outcome: CrashRunOutcome) {
        guard !outcome.failures.isEmpty else { return }
        for failure in outcome.failures {
            logger.warning("crash command failed, its output is missing: \(failure.summary)")
        }
        if outcome.attempts > 1 {
            logger.warning("crash was started \(outcome.attempts) times to run the remaining commands (see crash.out)")
        }
        report.exitStatus = ExitStatus.doneWithWarnings.rawValue
        let entries = outcome.failures.map { ["command": $0.command, "reason": $0.reason] }
        do { try JobJSON.merge(["crashFailures": entries], into: directory.path) } catch {
            logger.warning("cannot record the failed crash commands in job.json: \(error)")
        }
    }

    /// Logs the errors crash printed for commands it went on after, and lists them in job.json (`crashErrors`):
    /// these outputs are partial or empty, though the job is done.
    func recordCommandErrors(_ commands: [String]) {
        let crashOut = (try? String(contentsOfFile: directory.path + "/crash.out", encoding: .utf8)) ?? ""
        let errors = CrashOutputs.commandErrors(in: crashOut, commands: commands)
        guard !errors.isEmpty else { return }
        for error in errors { logger.info("crash command error (its output is partial): \(error.summary)") }
        let entries = errors.map { ["command": $0.command, "message": $0.reason] }
        do { try JobJSON.merge(["crashErrors": entries], into: directory.path) } catch {
            logger.warning("cannot record the crash command errors in job.json: \(error)")
        }
    }

    /// Runs the batch on a server of `arch` over ssh, resuming after a command that ends crash, like a local run.
    func runRemoteResuming(arch: String, commands: [String]) async throws(JobError) -> CrashRunOutcome {
        let ssh = SSH(user: settings.casUser, options: settings.sshOptions, connectTimeout: settings.sshConnectTimeout)
        let runner = RemoteRunner(ssh: ssh, store: store)
        let directory = directory.path
        let logger = logger
        let server = ServerBox()
        do {
            let outcome = try await CrashResume.run(
                commands: commands, directory: directory, timeoutSeconds: settings.crashTimeout
            ) { input, output, timeout throws(CrashError) in
                let command =
                    "cd \(SSH.quote(directory)) && ./crash -s -i \(SSH.quote(input)) > \(SSH.quote(output)) 2>&1"
                do {
                    let outcome = try await runner.run(arch: arch, remoteCommand: command, timeout: timeout) {
                        logger.info("\($0)")
                    }
                    server.set(outcome.server)
                    return outcome.result
                } catch {
                    // No server, ssh refused…: not crash's failure; the job fails with the runner's own error.
                    server.fail(error)
                    throw .failed(summary: "\(error)", lastLines: "", output: directory + "/" + output)
                }
            }
            report.server = server.get()
            return outcome
        } catch {
            report.server = server.get()
            if let remote = server.failure { throw .wrap("analysing", remote) }
            throw .wrap("analysing", error)
        }
    }

    /// Runs a crash batch on a server of `arch` over ssh.
    func runRemote(arch: String, input: String, output: String) async throws(JobError) {
        let ssh = SSH(user: settings.casUser, options: settings.sshOptions, connectTimeout: settings.sshConnectTimeout)
        let command =
            "cd \(SSH.quote(directory.path)) && ./crash -s -i \(SSH.quote(input)) > \(SSH.quote(output)) 2>&1"
        let outcome: (server: String, result: Command.Result)
        do {
            outcome = try await RemoteRunner(ssh: ssh, store: store).run(
                arch: arch, remoteCommand: command, timeout: .seconds(settings.crashTimeout)
            ) { logger.info("\($0)") }
        } catch {
            throw .wrap("analysing", error)
        }
        report.server = outcome.server
        let outputPath = directory.path + "/" + output
        if outcome.result.timedOut {
            throw .stage(step: "analysing", error: CrashError.timedOut(seconds: settings.crashTimeout, directory: directory.path))
        }
        guard outcome.result.succeeded else {
            throw .stage(step: "analysing", error: CrashError.failed(
                summary: "on \(outcome.server): \(outcome.result.summary)",
                lastLines: CrashRun.lastLines(ofFile: outputPath), output: outputPath))
        }
    }

    /// `-m`: extracts the loaded modules' debug files next to the vmlinux and runs the second pass.
    func loadModules(match: KernelMatch, run: CrashRun, place: CrashPlace) async throws(JobError) {
        let table = (try? String(contentsOfFile: directory.path + "/modules", encoding: .utf8)) ?? ""
        let names = CrashModules.names(inTable: table)
        guard !names.isEmpty else {
            logger.info("-m: no modules were loaded")
            return
        }
        let extracted: VmlinuxCache.Extracted
        do {
            extracted = try await VmlinuxCache(debugs: settings.debugs, store: store).vmlinux(for: match, modules: names)
        } catch {
            throw .wrap("analysing", error)
        }
        let noFile = names.filter { extracted.modules[$0] == nil }
        if !noFile.isEmpty { logger.warning("-m: no debug file in the package for: \(noFile.joined(separator: ", "))") }
        guard let entry = extracted.entry?.path else {
            logger.warning("-m: the kernel is a loose vmlinux; no module debug files to load")
            return
        }
        do {
            switch place {
            case .remote(let arch):
                let text = try CrashModules.secondPassInput(moduleDirectory: entry)
                try AtomicFile.write(Data(text.utf8), to: directory.path + "/" + CrashModules.inputName)
                try await runRemote(arch: arch, input: CrashModules.inputName, output: CrashModules.outputName)
            case .local, .crash32:
                let missing = try await CrashModules.runSecondPass(run, moduleDirectory: entry)
                if !missing.isEmpty { logger.warning("-m: crash loaded no debug info for: \(missing.joined(separator: ", "))") }
            }
        } catch let error as JobError {
            throw error
        } catch let error as CrashError {
            throw .wrap("analysing", error)
        } catch {
            throw .cannotCreate(directory.path + "/" + CrashModules.inputName, "\(error)")
        }
        let loaded = (try? String(contentsOfFile: directory.path + "/" + CrashModules.tableName, encoding: .utf8)) ?? ""
        let problems = loaded.split(whereSeparator: { $0.isNewline }).filter { $0.contains("cannot") }
        if problems.isEmpty {
            logger.info("-m: module symbols loaded from \(entry) (see \(CrashModules.tableName), \(CrashModules.outputName))")
        } else {
            for problem in problems { logger.warning("-m: \(problem)") }
        }
    }
}

/// The server a remote attempt ran on, carried out of the attempt closure.
private final class ServerBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: String?
    private var error: (any Error)?
    func set(_ server: String) { lock.withLock { value = server } }
    func get() -> String? { lock.withLock { value } }
    func fail(_ error: any Error) { lock.withLock { self.error = error } }
    var failure: (any Error)? { lock.withLock { error } }
}

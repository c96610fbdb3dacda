import Foundation

extension AnalysisJob {
    /// intake → identify → locate → extract → analyse.
    func runStages() async throws(JobError) {
        enter(.unpacking)
        let intake = try await timed("unpacking") { () throws(JobError) -> IntakeRecord in
            do {
                return try Identification.intake(file: request.file, jobDirectory: directory.path, settings: settings)
            } catch {
                throw .wrap("unpacking", error)
            }
        }
        let dumpPath = directory.path + "/" + intake.dump
        report.dump = intake.dump
        report.member = intake.layers.isEmpty ? nil : intake.dump
        record.dump = intake.dump

        enter(.identifying)
        let identity = try await timed("identifying") { () throws(JobError) -> KernelIdentity in
            do {
                let source = try FileByteSource(path: dumpPath)
                return try DumpIdentifier.identify(source, name: intake.dump, bufferSize: settings.bufferSize)
            } catch {
                throw .wrap("identifying", error)
            }
        }
        report.kernel = .init(
            format: identity.format, release: identity.release, version: identity.version, arch: identity.arch,
            buildId: identity.buildId)
        (record.release, record.arch, record.buildId) = (identity.release, identity.arch, identity.buildId)
        logger.info(
            "kernel \(identity.release ?? "?") \(identity.arch ?? "?") build ID \(identity.buildId ?? "none") (\(identity.format))")
        if let source = identity.archSources.first { logger.info("architecture from \(source.source)") }
        if let source = identity.vmcoreinfoSource { logger.info("VMCOREINFO from \(source)") }
        for conflict in identity.conflicts {
            logger.warning("the dump's sources disagree: \(Escaped.text(conflict))")
        }
        recordCompleteness(dumpPath)
        writeKernelLog(dumpPath: dumpPath, name: intake.dump, identity: identity)

        enter(.locating)
        let match = try await timed("locating") { () throws(JobError) -> KernelMatch? in
            do throws(LookupError) {
                return try DebuginfoIndex(store: store).lookup(
                    buildId: identity.buildId, release: identity.release, arch: identity.arch, banner: identity.banner)
            } catch {
                guard case .noMatch = error, debuginfod(for: identity) != nil else { throw .wrap("locating", error) }
                logger.info("\(error.description); asking the debuginfod servers")
                return nil
            }
        }
        if let match {
            report.debuginfo = .init(package: match.kernel.packagePath, vmlinux: nil, match: match.explanation)
        }

        enter(.extracting)
        let vmlinux = try await timed("extracting") { () throws(JobError) -> String in
            try await extract(match, identity: identity)
        }
        report.debuginfo?.vmlinux = vmlinux
        record.vmlinux = vmlinux

        enter(.analysing)
        try await timed("analysing") { () throws(JobError) in
            try await analyse(identity: identity, match: match, dump: dumpPath, vmlinux: vmlinux)
        }
        report.outputs = Dictionary(
            CrashOutputs.list(directory: directory.path).map { ($0.name, $0.size) }, uniquingKeysWith: { a, _ in a })
        save()
        writeFindings()
    }

    /// The kernel log read from the dump itself (`dmesg`) and the first findings from it, before locating
    /// the debuginfo: with no debuginfo, no server or crash failing, the job still ends with both. A log
    /// that cannot be read is logged, never fatal.
    func writeKernelLog(dumpPath: String, name: String, identity: KernelIdentity) {
        do {
            let source = try FileByteSource(path: dumpPath)
            let log = try KernelLogReader.read(source, name: name, identity: identity)
            try AtomicFile.create(Data(log.text.utf8), at: directory.path + "/" + JobLayout.dmesg)
            let skipped = log.skipped > 0 ? ", \(log.skipped) skipped" : ""
            logger.info("kernel log: \(log.records.count) records (\(log.layout)\(skipped)) in \(JobLayout.dmesg)")
            hasKernelLog = true
        } catch {
            logger.warning("kernel log not read from the dump: \(error)")
            return
        }
        writeFindings()
    }

    /// First-pass findings; a broken site rule file is logged, it does not undo a finished analysis.
    func writeFindings() {
        do {
            let findings = try Findings.run(jobDirectory: directory.path, siteRules: settings.rules)
            findingsSummary = findings.summary
            logger.info("findings: \(findings.headline)")
        } catch {
            logger.warning("findings not written: \(error.description)")
        }
    }

    /// The debuginfod client for `identity`'s build ID, nil when no server is configured or the dump has none.
    func debuginfod(for identity: KernelIdentity) -> DebuginfodClient? {
        guard !settings.debuginfodUrls.isEmpty, let id = identity.buildId, DebuginfodClient.validBuildId(id) != nil
        else { return nil }
        var client = DebuginfodClient(urls: settings.debuginfodUrls)
        client.stallTimeout = settings.debuginfodTimeout
        client.progress = DebuginfodClient.terminalProgress()
        return client
    }

    /// Gets the vmlinux from the cache (extracting it from the index's package once, or fetching it from the
    /// debuginfod servers when the index has none or its package cannot be read) and links it into the job
    /// directory at its package path; returns that path, relative to the job directory.
    func extract(_ match: KernelMatch?, identity: KernelIdentity) async throws(JobError) -> String {
        let release = identity.release ?? match?.kernel.release ?? "unknown"
        let cache = VmlinuxCache(debugs: settings.debugs, store: store)
        var extracted: VmlinuxCache.Extracted?
        if let match {
            do {
                extracted = try await cache.vmlinux(for: match)
            } catch {
                switch error {
                case .extraction, .missingMembers, .buildIdMismatch:
                    guard debuginfod(for: identity) != nil else { throw .wrap("extracting", error) }
                    logger.warning("\(error.description); asking the debuginfod servers")
                default: throw .wrap("extracting", error)
                }
            }
        }
        var inPackage = match?.kernel.vmlinuxPath ?? ""
        if extracted == nil {
            guard let client = debuginfod(for: identity), let buildId = identity.buildId else {
                throw .wrap("extracting", DebuginfodError.noServers)
            }
            let fetched: VmlinuxCache.Fetched
            do {
                fetched = try await cache.fetch(buildId: buildId, release: identity.release, client: client)
            } catch {
                throw .wrap("extracting", error)
            }
            let source = fetched.url ?? "a debuginfod server"
            let how = "fetched from debuginfod by build ID \(buildId.lowercased()): \(source)"
            logger.info("\(fetched.extracted.extracted ? how : how + " (cached by an earlier job)")")
            report.debuginfo = .init(package: fetched.url, vmlinux: nil, match: how)
            extracted = fetched.extracted
            inPackage = "debuginfod"
        }
        guard let extracted else { throw .wrap("extracting", DebuginfodError.noServers) }
        if let entry = extracted.entry {
            cacheLock = try? DirectoryLock(path: entry.path, exclusive: false, wait: true)
        }
        logger.info("vmlinux \(extracted.extracted ? "extracted to" : "cached at") \(extracted.vmlinux.path)")
        if match?.kernel.packageKind == "vmlinux"
            || !inPackage.contains("/usr/lib/debug/") && !inPackage.hasPrefix("usr/lib/debug/")
        {
            guard SafePath.isComponent(release) else {
                throw .cannotCreate(directory.path + "/usr/lib/debug/lib/modules", "unsafe release '\(release)'")
            }
            inPackage = "usr/lib/debug/lib/modules/\(release)/vmlinux"
        }
        // A path from a package chooses where the link goes only after it is checked to stay in the job.
        guard let components = SafePath.memberComponents(inPackage) else {
            throw .cannotCreate(directory.path, "unsafe vmlinux path '\(inPackage)' in \(match?.kernel.packagePath ?? "-")")
        }
        inPackage = components.joined(separator: "/")
        let link = directory.path + "/" + inPackage
        do {
            try FileManager.default.createDirectory(
                atPath: (link as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: extracted.vmlinux.path)
        } catch {
            throw .cannotCreate(link, (error as NSError).localizedDescription)
        }
        return inPackage
    }
}

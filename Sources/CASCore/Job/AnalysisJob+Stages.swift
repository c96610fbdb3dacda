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
        writeKernelLog(dumpPath: dumpPath, name: intake.dump, identity: identity)

        enter(.locating)
        let match = try await timed("locating") { () throws(JobError) -> KernelMatch in
            do {
                return try DebuginfoIndex(store: store).lookup(
                    buildId: identity.buildId, release: identity.release, arch: identity.arch, banner: identity.banner)
            } catch {
                throw .wrap("locating", error)
            }
        }
        report.debuginfo = .init(package: match.kernel.packagePath, vmlinux: nil, match: match.explanation)

        enter(.extracting)
        let vmlinux = try await timed("extracting") { () throws(JobError) -> String in
            try await extract(match, release: identity.release ?? match.kernel.release)
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
            try Self.createNew(directory.path + "/" + JobLayout.dmesg, Array(log.text.utf8))
            let skipped = log.skipped > 0 ? ", \(log.skipped) skipped" : ""
            logger.info("kernel log: \(log.records.count) records (\(log.layout)\(skipped)) in \(JobLayout.dmesg)")
            hasKernelLog = true
        } catch {
            logger.warning("kernel log not read from the dump: \(error)")
            return
        }
        writeFindings()
    }

    /// Writes `bytes` to `path`, which must not exist yet (never through a file or link already there).
    static func createNew(_ path: String, _ bytes: [UInt8]) throws(JobError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw .cannotCreate(path, String(cString: strerror(errno))) }
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw .cannotCreate(path, String(cString: strerror(errno))) }
            done += n
        }
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

    /// Gets the vmlinux from the cache (extracting it once) and links it into the job directory at its
    /// package path; returns that path, relative to the job directory.
    func extract(_ match: KernelMatch, release: String) async throws(JobError) -> String {
        let extracted: VmlinuxCache.Extracted
        do {
            extracted = try await VmlinuxCache(settings: settings, store: store).vmlinux(for: match)
        } catch {
            throw .wrap("extracting", error)
        }
        if let entry = extracted.entry {
            cacheLock = try? DirectoryLock(path: entry.path, exclusive: false, wait: true)
        }
        logger.info("vmlinux \(extracted.extracted ? "extracted to" : "cached at") \(extracted.vmlinux.path)")
        var inPackage = match.kernel.vmlinuxPath
        if match.kernel.packageKind == "vmlinux" || !inPackage.contains("/usr/lib/debug/") && !inPackage.hasPrefix("usr/lib/debug/") {
            inPackage = "usr/lib/debug/lib/modules/\(release)/vmlinux"
        }
        while inPackage.hasPrefix("/") { inPackage.removeFirst() }
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

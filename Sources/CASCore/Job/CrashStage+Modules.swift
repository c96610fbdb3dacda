import Foundation

extension CrashStage {
    /// A module debug file for `-m` and where it came from, as job.json's `moduleDebuginfo` lists it.
    struct ModuleSource {
        var name: String
        var file: String?
        /// The package, or the debuginfod URL.
        var source: String?
        var buildId: String?
        /// Which of the dump's structures gave the build ID ("struct module", "notes", "rodata").
        var buildIdFrom: String?
        /// True when an earlier job had fetched it.
        var cached = false
        var problem: String?
        /// Holds the cache entry's shared lock until the module pass is over.
        var extracted: VmlinuxCache.Extracted?

        var json: [String: Any] {
            var entry: [String: Any] = ["module": name]
            if let file { entry["file"] = file }
            if let source { entry["source"] = source }
            if let buildId { entry["buildId"] = buildId }
            if let buildIdFrom { entry["buildIdFrom"] = buildIdFrom }
            if buildId != nil, problem == nil { entry["cached"] = cached }
            if let problem { entry["problem"] = problem }
            return entry
        }
    }

    /// `-m` with debuginfod servers: reads the build IDs of `modules` (names from the `mod` table) from the
    /// dump in a short crash session, then fetches each module's debug file by its build ID into the `debugs`
    /// cache. A module without a build ID or that no server has is logged and listed with the problem.
    func fetchModuleDebugFiles(
        _ names: [String], table: String, release: String?, analysis: CrashAnalysis
    ) async -> [ModuleSource] {
        let wanted = Set(names)
        let modules = ModuleBuildIds.modules(inTable: table).filter { wanted.contains($0.name) }
        var sources: [ModuleSource] = names.filter { !ModuleBuildIds.isModuleName($0) }.map {
            ModuleSource(name: Escaped.text($0), problem: "not a plain module name")
        }
        guard !modules.isEmpty else { return sources }
        logger.info(
            "-m: reading the build IDs of \(modules.count) module(s) from the dump (\(ModuleBuildIds.inputName))")
        let found: [String: ModuleBuildIds.Found]
        do {
            let output = try await analysis.batch(
                ModuleBuildIds.probeInput(modules), input: ModuleBuildIds.inputName, output: ModuleBuildIds.outputName)
            found = ModuleBuildIds.parse(output)
        } catch {
            logger.warning("-m: the modules' build IDs could not be read from the dump: \(error)")
            return sources + modules.map { ModuleSource(name: $0.name, problem: "build ID not read: \(error)") }
        }
        var client = DebuginfodClient(urls: settings.debuginfodUrls)
        client.stallTimeout = settings.debuginfodTimeout
        client.progress = DebuginfodClient.terminalProgress()
        let cache = VmlinuxCache(debugs: settings.debugs, store: store)
        for module in modules {
            guard let id = found[module.address]?.buildId else {
                logger.warning("-m: \(module.name): no build ID found in the dump; its debug file is not fetched")
                sources.append(ModuleSource(name: module.name, problem: "no build ID found in the dump"))
                continue
            }
            let via = found[module.address]?.via
            do {
                let fetched = try await cache.fetchModule(
                    name: module.name, buildId: id, release: release, client: client)
                let how = "fetched from debuginfod by build ID \(id): \(fetched.url ?? "a debuginfod server")"
                let earlier = fetched.extracted.extracted ? "" : " (cached by an earlier job)"
                logger.info("-m: \(module.name): \(how)\(earlier)")
                sources.append(
                    ModuleSource(
                        name: module.name, file: fetched.extracted.vmlinux.path, source: fetched.url, buildId: id,
                        buildIdFrom: via, cached: !fetched.extracted.extracted, extracted: fetched.extracted))
            } catch {
                logger.warning("-m: \(module.name): \(error)")
                sources.append(
                    ModuleSource(name: module.name, buildId: id, buildIdFrom: via, problem: error.description))
            }
        }
        return sources
    }

    /// Records where each module debug file came from in job.json (`moduleDebuginfo`).
    func recordModuleSources(_ sources: [ModuleSource], in directory: String) {
        guard !sources.isEmpty else { return }
        do { try JobJSON.merge(["moduleDebuginfo": sources.map(\.json)], into: directory) } catch {
            logger.warning("cannot record the module debug files in job.json: \(error)")
        }
    }
}

/// The plain values each stage takes, read from the settings in one place (DESIGN: the stages know nothing
/// of `Settings`; the CLIs and `Job/` hand them these).
extension Settings {
    /// What `cas-admin -b` indexes: the package tree and its filters.
    public var indexerOptions: DebuginfoIndexer.Options {
        DebuginfoIndexer.Options(kernels: kernels, rpmFilter: rpmFilter, debFilter: debFilter)
    }

    /// What a purge keeps and where it works; `kernels` and the database are never removed.
    public var purgePolicy: Purger.Policy {
        Purger.Policy(
            purgeLimit: purgeLimit, debugsLimit: debugsLimit, workDirectory: workDirectory, debugs: debugs,
            protected: [kernels, database])
    }
}

import ArgumentParser

/// `--prefetch N`, shared by `cas-admin -b --prefetch N` and `cas-admin build --prefetch N` (one type for
/// both, as ``Retention`` explains).
struct Prefetching: ParsableArguments {
    @Option(
        help: """
            After indexing, extract the vmlinux of the N newest kernels per architecture not yet cached \
            (default: [maintenance] prefetch).
            """)
    var prefetch: Int?

    func validate() throws {
        if let prefetch, !(0...1000).contains(prefetch) { throw ValidationError("--prefetch takes 0 to 1000") }
    }
}

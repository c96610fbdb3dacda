/// Which decompressors read the outermost compressed layer of an upload (`[advanced] decompressors`): the
/// choice only, which Config reads and Archive acts on (``Decompressors/programs`` in Archive/).
///
/// A program runs as a separate process over the upload (``DecompressorProcess``): decompression then runs
/// beside our parsing and writing and, for the parallel programs, on every core. Measured on two cores
/// (`make bench`), that wins where the program is parallel: `lbzip2` for bzip2 (2.8× faster than in-process
/// on 313 MiB of compressed dump pages, 1.7× on the 64 MiB fixture ELF) and `xz -T0` for xz files of several
/// blocks (what xz ≥ 5.4 writes with `-T`); it loses where the pipe costs more than it saves: single-block
/// xz, and gzip (`pigz -d` decodes on one thread: 3× slower than zlib in-process on the pages).
/// - `auto` (default): `lbzip2` for bzip2 and `xz -T0` for multi-block xz on a multi-core machine, when
///   installed; libarchive in-process for everything else.
/// - `programs`: every installed program (also `pigz` for gzip, and `xz` on single-block files).
/// - `builtin`: libarchive in-process only.
public enum Decompressors: String, Sendable, CaseIterable {
    case auto
    case programs
    case builtin
}

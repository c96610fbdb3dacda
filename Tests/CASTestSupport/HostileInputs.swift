import Foundation

/// Uploads `cas` must refuse, shared by the intake tests (CASCoreTests) and the end-to-end robustness suite
/// (CLITests): archives with unsafe entries, a decompression bomb, truncated archives, files that are no dump.
///
/// Each is made by real tools (python3's tarfile and zipfile, tar, gzip, bzip2, xz, zip) in a directory
/// holding `vmcore` (a fixture dump) and `vmcore-dmesg.txt`.
public enum HostileInputs {
    /// An archive holding `vmcore` first, then an entry that must be refused before anything is kept.
    public struct Archive: Sendable, CustomStringConvertible {
        public enum Kind: String, Sendable { case tar, zip }
        public let name: String
        public let kind: Kind
        /// Python adding the hostile entries to `t` (tarfile, with `add(t, name, kind, data, link, mode)`) or
        /// `z` (zipfile); `OUTSIDE` names a path outside the job directory that must not appear.
        public let python: String
        /// What the error line says.
        public let message: String
        /// The archive's file name.
        public var file: String { name + "." + kind.rawValue }
        public var description: String { name }

        init(_ name: String, _ python: String, message: String, kind: Kind = .tar) {
            (self.name, self.kind, self.python, self.message) = (name, kind, python, message)
        }
    }

    public static let archives: [Archive] = [
        Archive("dot-dot", "add(t, '../../' + OUTSIDE.lstrip('/'), data=b'x')", message: "'..' component"),
        Archive("absolute", "add(t, OUTSIDE, data=b'x')", message: "absolute path"),
        Archive("symlink-to-root", "add(t, 'link', tarfile.SYMTYPE, link='/')\nadd(t, 'link' + OUTSIDE, data=b'x')",
                message: "symlink to '/' leaves the job directory"),
        Archive("symlink-up", "add(t, 'a/link', tarfile.SYMTYPE, link='../../..')\nadd(t, 'a/link/x', data=b'x')",
                message: "leaves the job directory"),
        Archive("hardlink-passwd", "add(t, 'pw', tarfile.LNKTYPE, link='/etc/passwd')",
                message: "hardlink to '/etc/passwd' leaves the job directory"),
        Archive("device", "add(t, 'null', tarfile.CHRTYPE)", message: "device node"),
        Archive("fifo", "add(t, 'pipe', tarfile.FIFOTYPE)", message: "FIFO"),
        Archive("zip-dot-dot", "z.writestr(zipfile.ZipInfo('../' + OUTSIDE.split('/')[-1]), b'x')",
                message: "'..' component", kind: .zip),
        Archive("zip-absolute", "z.writestr(zipfile.ZipInfo(OUTSIDE), b'x')", message: "absolute path", kind: .zip),
        Archive("long-name", "add(t, 'x' * 300, data=b'x')", message: "longer than 255 bytes"),
        Archive("control-character", "add(t, 'bad\\x01name', data=b'x')", message: "control character"),
    ]

    /// The Python program writing a `kind` archive to `sys.argv[2]`: `vmcore` first, then `body`.
    /// `sys.argv[1]` is `OUTSIDE`.
    public static func script(_ kind: Archive.Kind, _ body: String) -> String {
        let open =
            kind == .tar
            ? "t = tarfile.open(OUT, 'w', format=tarfile.GNU_FORMAT)\nt.add('vmcore')"
            : "z = zipfile.ZipFile(OUT, 'w')\nz.write('vmcore')"
        return """
            import tarfile, zipfile, io, sys
            OUTSIDE, OUT = sys.argv[1], sys.argv[2]
            def add(t, name, kind=tarfile.REGTYPE, data=b"", link="", mode=0o644):
                i = tarfile.TarInfo(name); i.type = kind; i.size = len(data); i.linkname = link; i.mode = mode
                if kind in (tarfile.CHRTYPE, tarfile.BLKTYPE): i.devmajor, i.devminor = 1, 3
                t.addfile(i, io.BytesIO(data) if data else None)
            \(open)
            \(body)
            \(kind == .tar ? "t" : "z").close()

            """
    }

    /// Writes `archive` into `directory` (which holds `vmcore`); returns its path.
    @discardableResult
    public static func make(_ archive: Archive, in directory: String, outside: String) throws -> String {
        try Data(script(archive.kind, archive.python).utf8).write(to: URL(fileURLWithPath: directory + "/make.py"))
        try shell("python3 make.py \"$0\" \"$1\" && rm make.py", in: directory, outside, archive.file)
        return directory + "/" + archive.file
    }

    /// A broken or meaningless upload and how `cas` refuses it.
    public struct Broken: Sendable, CustomStringConvertible {
        public let file: String
        /// Shell commands, run in the directory holding `vmcore` and `vmcore-dmesg.txt`, that write `file`.
        public let make: String
        /// The error line contains one of these.
        public let messages: [String]
        /// The job step that refuses it.
        public let step: String
        public var description: String { file }

        init(_ file: String, _ make: String, _ messages: [String], step: String = "intake") {
            (self.file, self.make, self.messages, self.step) = (file, make, messages, step)
        }
    }

    /// 45 MB of 'A' bzip2 to 50 bytes; 2,387 such streams back to back (100 GiB) bzip2 again to about 240 bytes.
    public static let bomb = Broken(
        "bomb.bz2",
        """
        python3 -c '
        import bz2
        one = bz2.compress(b"A" * 45_000_000, 9)
        inner = one * ((100 << 30) // 45_000_000 + 1)
        open("bomb.bz2", "wb").write(bz2.compress(inner, 9))
        '
        """, ["decompression bomb"])

    /// Archives of the dump cut in half.
    public static let truncated: [Broken] = [
        ("vmcore.tar.gz", "tar czf full vmcore vmcore-dmesg.txt"),
        ("vmcore.bz2", "bzip2 -c vmcore > full"),
        ("vmcore.zip", "zip -q full.zip vmcore vmcore-dmesg.txt && mv full.zip full"),
        ("vmcore.tar", "tar cf full vmcore vmcore-dmesg.txt"),
        ("vmcore.tar.xz", "tar cf - vmcore vmcore-dmesg.txt | xz -0 > full"),
    ].map { file, make in
        Broken(file, make + " && head -c $(( $(stat -c %s full) / 2 )) full > \(file) && rm full",
               ["ends early", "runcated", "corrupt"])
    }

    /// Files that hold no dump, or a dump whose header lies.
    public static let notADump: [Broken] = [
        Broken("no-dump.tar.gz", "tar czf no-dump.tar.gz vmcore-dmesg.txt", ["no kernel crash dump in it"]),
        // 1 MiB of seeded pseudo-random bytes: the same file every run.
        Broken(
            "random.bin",
            """
            python3 -c '
            import random
            random.seed(11)
            open("random.bin", "wb").write(random.randbytes(1 << 20))
            '
            """, ["no kernel crash dump in it"]),
        Broken("empty.vmcore", ": > empty.vmcore", ["no kernel crash dump in it"]),
        Broken("true.elf", "cp /bin/true true.elf", ["did you give the vmlinux instead of the dump?"]),
        // A 64-bit little-endian x86_64 ELF core header whose program headers would start 1 TiB in (e_phoff
        // past the end of the 4 KiB file), field by field.
        Broken(
            "corrupt-header.vmcore",
            """
            python3 -c '
            import struct
            ident = b"\\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
            # e_type CORE, e_machine x86_64, e_version, e_entry, e_phoff, e_shoff, e_flags, e_ehsize,
            # e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx
            header = struct.pack("<HHIQQQIHHHHHH", 4, 62, 1, 0, 1 << 40, 0, 0, 64, 56, 1, 0, 0, 0)
            open("corrupt-header.vmcore", "wb").write((ident + header).ljust(4096, b"\\0"))
            '
            """, ["program header"], step: "identify"),
    ]

    /// Every broken upload: the bomb, the truncated archives, the files that are no dump.
    public static var broken: [Broken] { [bomb] + truncated + notADump }

    /// Writes `item` into `directory`; returns its path.
    @discardableResult
    public static func make(_ item: Broken, in directory: String) throws -> String {
        try shell(item.make, in: directory)
        return directory + "/" + item.file
    }

    /// Runs `script` with /bin/sh in `directory`, `arguments` as $0, $1, …
    static func shell(_ script: String, in directory: String, _ arguments: String...) throws {
        try TestTools.run("/bin/sh", ["-c", script] + arguments, in: directory)
    }
}

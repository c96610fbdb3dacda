#!/usr/bin/env python3
"""Writes a small seed corpus for the dump-header fuzzer (CAS_FUZZ_TARGET=dump) into DIR.

Usage: make-dump-seeds.py DIR [FIXTURE_DIR]
Seeds: ELF cores (64/32-bit, both byte orders, with and without VMCOREINFO), kdump-compressed and
diskdump headers (64/32-bit layouts, both byte orders), a flattened stream, the unsupported magics,
and, when FIXTURE_DIR (../shared/fixtures/kernel-6.1.192-tiny) is given, the first 16 KiB of each real dump.
"""
import lzma
import os
import struct
import sys

INFO = b"OSRELEASE=6.1.0-seed\nBUILD-ID=0123456789abcdef0123456789abcdef01234567\nPAGESIZE=4096\n" \
       b"KERNELOFFSET=1a000000\nCRASHTIME=1700000000\nSYMBOL(init_uts_ns)=ffffffff81000000\n"
BANNER = b"Linux version 6.1.0-seed (b@h) (gcc 12) #1 SMP Mon Jan 1 00:00:00 UTC 2024\n"


def elf(wide, big, machine, notes, load=b""):
    e = ">" if big else "<"
    word = "Q" if wide else "I"
    hsize, psize = (64, 56) if wide else (52, 32)
    body = b""
    for name, ntype, desc in notes:
        n = name + b"\0"
        body += struct.pack(e + "III", len(n), len(desc), ntype)
        body += n + b"\0" * (-len(n) % 4) + desc + b"\0" * (-len(desc) % 4)
    phnum = 2 if load else 1
    ident = b"\x7fELF" + bytes([2 if wide else 1, 2 if big else 1, 1]) + b"\0" * 9
    header = ident + struct.pack(e + "HHI", 4, machine, 1)
    header += struct.pack(e + word * 3, 0, hsize, 0) + struct.pack(e + "IHHHHHH", 0, hsize, psize, phnum, 0, 0, 0)
    notes_at = hsize + phnum * psize
    phdrs = b""
    for ptype, off, size, vaddr in [(4, notes_at, len(body), 0), (1, notes_at + len(body), len(load), 0xffffffff81000000)][:phnum]:
        if wide:
            phdrs += struct.pack(e + "IIQQQQQQ", ptype, 0, off, vaddr, 0x1000000, size, size, 0)
        else:
            phdrs += struct.pack(e + "IIIIIIII", ptype, off, vaddr & 0xffffffff, 0, size, size, 0, 0)
    return header + phdrs + body + load


def kdump(sig, version, big, wide, machine, info, block=512):
    e = ">" if big else "<"
    h = bytearray(block * 4)
    h[0:8] = sig
    struct.pack_into(e + "I", h, 8, version)
    for i, field in enumerate([b"Linux", b"seedhost", b"6.1.0-seed", b"#1 SMP", machine, b"(none)"]):
        h[12 + 65 * i:12 + 65 * i + len(field)] = field
    base = 424 if wide else 412
    struct.pack_into(e + "IIII", h, base, 1, block, 1, 1)
    sub = block
    if wide:
        struct.pack_into(e + "QiiQQQQ", h, sub, 0, 31, 0, 0, 0, 2 * block, len(info))
    else:
        struct.pack_into(e + "IiiIIQI", h, sub, 0, 31, 0, 0, 0, 2 * block, len(info))
    h[2 * block:2 * block + len(info)] = info
    return bytes(h)


def flattened(dump, chunk=100):
    out = bytearray(b"makedumpfile\0\0\0\0" + struct.pack(">qq", 1, 1))
    out += b"\0" * (4096 - len(out))
    for start in range(0, len(dump), chunk):
        piece = dump[start:start + chunk]
        out += struct.pack(">qq", start, len(piece)) + piece
    return bytes(out + struct.pack(">qq", -1, -1))


def vmcoreinfo_note(text, big):
    """The kernel's VMCOREINFO note: Elf_Nhdr (namesz 11, descsz, type 0), the name padded to 12, the text."""
    e = ">" if big else "<"
    return struct.pack(e + "III", 11, len(text), 0) + b"VMCOREINFO\0\0" + text + b"\0" * (-len(text) % 4)


def s390x_memory():
    """32 KiB of s390x memory: the lowcore's vmcore_info (0x0e0c, big-endian) -> the note at 0x5000,
    init_uts_ns.name at 0x3000 (named in the note's text)."""
    text = b"OSRELEASE=6.1.0-seed.s390x\nBUILD-ID=0123456789abcdef0123456789abcdef01234567\nPAGESIZE=4096\n" \
           b"SYMBOL(init_uts_ns)=3000\nSYMBOL(lowcore_ptr)=1be0f48\nKERNELOFFSET=0\n"
    mem = bytearray(0x8000)
    struct.pack_into(">Q", mem, 0x0e0c, 0x5000)
    for i, field in enumerate([b"Linux", b"seedhost", b"6.1.0-seed.s390x", b"#1 SMP", b"s390x", b"(none)"]):
        mem[0x3000 + 65 * i:0x3000 + 65 * i + len(field)] = field
    note = vmcoreinfo_note(text, True)
    mem[0x5000:0x5000 + len(note)] = note
    return bytes(mem)


def compress_page(page, codec):
    """A page compressed as makedumpfile does, with the real libraries (ctypes); None when unavailable."""
    import ctypes
    import zlib
    if codec == "zlib":
        return zlib.compress(page, 1)
    try:
        if codec == "lzo":
            lib = ctypes.CDLL("liblzo2.so.2")
            out, length = ctypes.create_string_buffer(len(page) * 2 + 64), ctypes.c_size_t(len(page) * 2 + 64)
            work = ctypes.create_string_buffer(16384 * 8)
            lib.lzo1x_1_compress(page, ctypes.c_size_t(len(page)), out, ctypes.byref(length), work)
        elif codec == "snappy":
            lib = ctypes.CDLL("libsnappy.so.1")
            out, length = ctypes.create_string_buffer(len(page) * 2 + 64), ctypes.c_size_t(len(page) * 2 + 64)
            lib.snappy_compress(page, ctypes.c_size_t(len(page)), out, ctypes.byref(length))
        elif codec == "zstd":
            lib = ctypes.CDLL("libzstd.so.1")
            lib.ZSTD_compress.restype = ctypes.c_size_t
            out = ctypes.create_string_buffer(len(page) * 2 + 64)
            length = ctypes.c_size_t(lib.ZSTD_compress(out, ctypes.c_size_t(len(out)), page, ctypes.c_size_t(len(page)), 1))
        else:
            return None
    except OSError:
        return None
    return out.raw[:length.value]


FLAGS = {"zlib": 0x1, "lzo": 0x2, "snappy": 0x4, "zstd": 0x20}


def kdump_memory(memory, machine, big, codec, block=4096):
    """A kdump-compressed file of `memory` with no VMCOREINFO in its headers (QEMU's s390x form): header,
    sub-header, 1st and 2nd bitmap, one page_desc_t per page, page data; zero pages share one stored page."""
    e = ">" if big else "<"
    frames = len(memory) // block
    h = bytearray(block * 3)
    h[0:8] = b"KDUMP   "
    struct.pack_into(e + "I", h, 8, 6)
    h[12 + 65 * 4:12 + 65 * 4 + len(machine)] = machine
    struct.pack_into(e + "IIIII", h, 424, FLAGS[codec], block, 2, 2, frames)
    struct.pack_into(e + "i", h, 460, 1)
    struct.pack_into(e + "QiiQQ", h, block, 0, 31, 0, 0, 0)
    bitmap = bytearray(block)
    bitmap[0:(frames + 7) // 8] = b"\xff" * ((frames + 7) // 8)
    out = h + bitmap + bitmap
    data_at = len(out) + frames * 24
    descs, data = b"", b""
    zero_at = None
    for pfn in range(frames):
        page = memory[pfn * block:(pfn + 1) * block]
        stored = compress_page(page, codec)
        flags = FLAGS[codec]
        if stored is None or len(stored) >= block:
            stored, flags = page, 0
        if page == bytes(block) and zero_at is not None:
            descs += struct.pack(e + "QIIQ", zero_at[0], zero_at[1], zero_at[2], 0)
            continue
        offset = data_at + len(data)
        if page == bytes(block):
            zero_at = (offset, len(stored), flags)
        descs += struct.pack(e + "QIIQ", offset, len(stored), flags, 0)
        data += stored
    return bytes(out + descs + data)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seeds = {
        "elf64le": elf(True, False, 62, [(b"CORE", 1, b"\1" * 64), (b"VMCOREINFO", 0, INFO)]),
        "elf64be-s390x": elf(True, True, 22, [(b"VMCOREINFO", 0, INFO)]),
        "elf32le-i386": elf(False, False, 3, [(b"VMCOREINFO", 0, INFO)]),
        "elf32be-ppc": elf(False, True, 20, [(b"VMCOREINFO", 0, INFO)]),
        "elf64-banner": elf(True, False, 62, [(b"QEMU", 0, b"\0" * 16)], b"\0" * 64 + BANNER),
        "elf64-utsname": elf(True, False, 62, [(b"VMCOREINFO", 0, INFO)], b"Linux".ljust(65, b"\0") * 6),
        "kdump64le": kdump(b"KDUMP   ", 6, False, True, b"x86_64", INFO),
        "kdump64be": kdump(b"KDUMP   ", 6, True, True, b"s390x", INFO),
        "kdump32le": kdump(b"KDUMP   ", 6, False, False, b"i686", INFO),
        "kdump-v2": kdump(b"KDUMP   ", 2, False, True, b"x86_64", b"") + BANNER,
        "diskdump": kdump(b"DISKDUMP", 2, False, False, b"i686", b""),
        "flattened": flattened(kdump(b"KDUMP   ", 6, False, True, b"aarch64", INFO)),
        "kdump-arm64-unknown": kdump(b"KDUMP   ", 6, False, True, b"Unknown",
                                     INFO + b"NUMBER(kimage_voffset)=0xffff800000000000\n", block=16384),
        "elf64be-s390x-lowcore": elf(True, True, 22, [(b"CORE", 1, b"\0" * 16)], s390x_memory()),
        "elf64le-note-scan": elf(True, False, 62, [(b"CORE", 1, b"\0" * 16)],
                                 b"OSRELEASE=%s\n".ljust(4096, b"\0") + vmcoreinfo_note(INFO, False)),
        "lkcd": struct.pack("<Q", 0xa8190173618f23ed) + b"\0" * 56,
        "s390": struct.pack(">Q", 0xa8190173618f23fd) + b"\0" * 56,
        "sadump": b"sadump\0\0" + b"\0" * 56,
        "vmss": struct.pack("<I", 0xbed2bed2) + b"\0" * 60,
        "xen": struct.pack("<I", 0xf00febed) + b"\0" * 60,
    }
    for codec in FLAGS:
        seeds["kdump-s390x-lowcore-" + codec] = kdump_memory(s390x_memory(), b"s390x", True, codec)
    if len(sys.argv) > 2:
        for name in ["vmcore.elf", "vmcore.kdump-zlib", "vmcore.kdump-d31", "vmcore.flat"]:
            path = os.path.join(sys.argv[2], name + ".xz")
            if os.path.exists(path):
                with lzma.open(path) as f:
                    seeds["real-" + name] = f.read(16384)
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(f"{len(seeds)} seeds in {out}")


main()

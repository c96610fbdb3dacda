#!/usr/bin/env python3
"""Seeds for the `dmesg` fuzz target (Sources/CASFuzz/FuzzTargets+Dmesg.swift): a mode byte, then 64 KiB
of physical memory holding a printk_ringbuffer (mode 1) or a pre-5.10 log_buf (mode 2) laid out as the
kernel lays them out, at the addresses the target's fixed VMCOREINFO names."""
import struct
import sys

KMAP = 0xFFFFFFFF80000000
DIRECT = 0xFFFF888000000000
TEXTS = [b"Linux version 6.1.0-fuzz", b"first\nsecond", b"tab\there \x1b[31m", b"Kernel panic - not syncing: x"]


def memory(virt):
    mem = bytearray(0x10000)
    # Page tables at 0xA000: the direct map's PGD slot -> a PUD mapping 1 GiB at 0.
    struct.pack_into("<Q", mem, 0xA000 + ((DIRECT >> 39) & 0x1FF) * 8, 0xB000 | 0x63)
    struct.pack_into("<Q", mem, 0xB000, 0xE3)
    return mem


def ring(virt):
    mem = memory(virt)
    lpos = 0
    for i, text in enumerate(TEXTS):
        size = (8 + len(text) + 7) & ~7
        struct.pack_into("<Q", mem, 0x8000 + lpos, i)
        mem[0x8000 + lpos + 8:0x8000 + lpos + 8 + len(text)] = text
        struct.pack_into("<QQQ", mem, 0x3000 + (i % 16) * 24, i | (2 << 62), lpos, lpos + size)
        struct.pack_into("<QQHBBI", mem, 0x5000 + (i % 16) * 88, i, i * 1000000, len(text), 0, 6 << 5, 1)
        lpos += size
    struct.pack_into("<Q", mem, 0x1000, virt(0x2000))
    struct.pack_into("<IxxxxQQQQ", mem, 0x2000, 4, virt(0x3000), virt(0x5000), len(TEXTS) - 1, 0)
    struct.pack_into("<IxxxxQ", mem, 0x2000 + 48, 10, virt(0x8000))
    return bytes([1]) + bytes(mem)


def log_buf(virt):
    mem = memory(virt)
    index = 0
    for i, text in enumerate(TEXTS):
        length = (24 + len(text) + 7) & ~7
        struct.pack_into("<QHHHBBI", mem, 0x8000 + index, i * 1000000, length, len(text), 0, 0, 6 << 5, 1)
        mem[0x8000 + index + 24:0x8000 + index + 24 + len(text)] = text
        index += length
    struct.pack_into("<QIII", mem, 0x1000, virt(0x8000), 1024, 0, index)
    return bytes([2]) + bytes(mem)


out = sys.argv[1]
for name, data in [("ring-image", ring(lambda p: KMAP + p)), ("ring-direct", ring(lambda p: DIRECT + p)),
                   ("log-buf", log_buf(lambda p: KMAP + p))]:
    with open(f"{out}/{name}", "wb") as f:
        f.write(data)

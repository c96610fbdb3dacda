import Testing

@testable import CASCore

/// Kernel virtual → physical translation per architecture, from the kernel's own definitions.
@Suite struct KernelAddressTranslatorTests {
    func physical(_ address: UInt64, arch: String, _ info: [String: String]) throws -> UInt64? {
        var identity = KernelIdentity(format: "test")
        identity.arch = arch
        identity.vmcoreinfo = info
        let memory = KernelMemory(
            reader: DumpReader(source: MemoryByteSource([], knownSize: true), name: "test"), identity: identity,
            backend: .elf([]), order: .little, wide: true)
        return try KernelAddressTranslator(identity: identity).physical(of: address, memory: memory)
    }

    /// arm64 since 5.4: linear map in the lower half (`PAGE_OFFSET = -(1 << VA_BITS)`), image above.
    @Test func arm64FlippedLayout() throws {
        let info = [
            "NUMBER(VA_BITS)": "48", "NUMBER(kimage_voffset)": "0xffff7fffc8000000",
            "NUMBER(PHYS_OFFSET)": "0x40000000", "SYMBOL(_stext)": "ffff800008010000",
        ]
        #expect(try physical(0xffff_0000_1234_5678, arch: "aarch64", info) == 0x5234_5678)
        #expect(try physical(0xffff_8000_0801_0000, arch: "aarch64", info) == 0x4001_0000)
    }

    /// arm64 before 5.4: linear map in the upper half (`PAGE_OFFSET = -(1 << (VA_BITS - 1))`), image below.
    @Test func arm64OldLayout() throws {
        let info = [
            "NUMBER(VA_BITS)": "48", "NUMBER(kimage_voffset)": "0xfffeffffc8000000",
            "NUMBER(PHYS_OFFSET)": "0x40000000", "SYMBOL(_stext)": "ffff000008081000",
        ]
        #expect(try physical(0xffff_8000_1234_5000, arch: "aarch64", info) == 0x5234_5000)
        #expect(try physical(0xffff_0000_0808_1000, arch: "aarch64", info) == 0x4008_1000)
    }

    @Test func otherArchitectures() throws {
        #expect(try physical(0xc000_0000_0123_4567, arch: "ppc64le", [:]) == 0x123_4567)
        #expect(try physical(0x0012_3456, arch: "s390x", [:]) == 0x12_3456)
        #expect(try physical(0xffff_ffff_8100_0000, arch: "x86_64", ["NUMBER(phys_base)": "16777216"]) == 0x200_0000)
        // No page tables in the dump: the non-KASLR direct map.
        #expect(try physical(0xffff_8880_0100_0000, arch: "x86_64", [:]) == 0x100_0000)
        #expect(try physical(0x1000, arch: "riscv64", [:]) == nil)
    }
}

import Testing

@testable import CASCore

/// The dumpable bitmap's running counts give the same page index as counting from the start each time.
@Suite struct KdumpBitmapIndexTests {
    @Test func countsMatchCountingFromTheStart() throws {
        var generator = SystemRandomNumberGenerator()
        let start = 100
        let bitmap = (0..<20_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let reader = DumpReader(source: MemoryByteSource([UInt8](repeating: 0xff, count: start) + bitmap, knownSize: true), name: "t")
        let index = KdumpBitmapIndex()
        // Forward, backward and across block boundaries, as page reads arrive.
        for byte in [19_999, 0, 4095, 4096, 4097, 12_000, 1, 8191, 8192, 19_998, 5] {
            let (before, value) = try #require(try index.count(before: Int64(byte), bitmapAt: Int64(start), reader: reader))
            #expect(before == Int64(bitmap[..<byte].reduce(0) { $0 + $1.nonzeroBitCount }), "byte \(byte)")
            #expect(value == bitmap[byte])
        }
        #expect(try index.count(before: 20_000, bitmapAt: Int64(start), reader: reader) == nil, "past the end")
    }
}

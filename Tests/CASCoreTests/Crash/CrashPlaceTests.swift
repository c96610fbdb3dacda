import CASTestSupport
import Foundation
import Testing

@testable import CASCore

@Suite struct CrashPlaceTests {
    @Test func sameArchitectureIsLocal() {
        #expect(CrashPlace.choose(dumpArch: "x86_64", hostArch: "x86_64", crash32: nil, localAnalysis: true) == .local)
        #expect(CrashPlace.choose(dumpArch: "amd64", hostArch: "x86_64", crash32: nil, localAnalysis: true) == .local)
    }

    @Test func i386OnX86_64UsesCrash32WhenSet() {
        for arch in ["i386", "i686"] {
            #expect(
                CrashPlace.choose(dumpArch: arch, hostArch: "x86_64", crash32: "/usr/bin/crash32", localAnalysis: true)
                    == .crash32("/usr/bin/crash32"))
            #expect(
                CrashPlace.choose(dumpArch: arch, hostArch: "x86_64", crash32: nil, localAnalysis: true)
                    == .remote(arch: "i386"))
        }
    }

    @Test func otherArchitecturesAndNoLocalAnalysisGoRemote() {
        #expect(
            CrashPlace.choose(dumpArch: "aarch64", hostArch: "x86_64", crash32: "/c32", localAnalysis: true)
                == .remote(arch: "aarch64"))
        #expect(
            CrashPlace.choose(dumpArch: "arm64", hostArch: "x86_64", crash32: nil, localAnalysis: true)
                == .remote(arch: "aarch64"))
        #expect(
            CrashPlace.choose(dumpArch: "x86_64", hostArch: "x86_64", crash32: nil, localAnalysis: false)
                == .remote(arch: "x86_64"))
    }

    @Test func hostArchitectureIsUnameMachine() throws {
        let uname = try #require(findExecutable("uname"))
        let expected = try TestTools.execute(uname, ["-m"]).stdout
        #expect(CrashPlace.hostArchitecture() == expected.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func needsServerErrorNamesTheArchitecture() {
        let error = CrashError.needsServer(arch: "s390x", host: "x86_64")
        #expect(error.description.contains("s390x"))
        #expect(error.exitStatus == .noServer)
    }
}

import CASCore
import Foundation

// `cas identify FILE… [--json]` is answered before the async runtime and the command-line parser start:
// their start-up costs more than reading a dump's headers (``CAS/Identify/fastPath(_:)``).
if let status = CAS.Identify.fastPath(Array(CommandLine.arguments.dropFirst())) { exit(status.rawValue) }
CAS.runParsed()

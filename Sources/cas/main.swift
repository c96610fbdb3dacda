import CASCore
import Foundation

// `cas identify FILE… [--json]` is answered before the async runtime and the command-line parser start:
// their start-up costs more than reading a dump's headers (``CAS/Identify/fastPath(_:)``).
// `cas dmesg` likewise.
let arguments = Array(CommandLine.arguments.dropFirst())
if let status = CAS.Identify.fastPath(arguments) ?? CAS.Dmesg.fastPath(arguments) { exit(status.rawValue) }
CAS.runParsed()

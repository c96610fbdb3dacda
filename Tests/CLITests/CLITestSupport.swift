import Foundation

/// The directory holding the built `cas` and `cas-admin`: the test bundle's own directory.
func builtProductsDirectory() -> URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
}

import Foundation

/// A complete, valid configuration rooted at `base`, with `extra` lines appended to the sections named.
func sampleConfig(base: String, settings: String = "", maintenance: String = "", advanced: String = "") -> String {
    """
    [settings]
    kernels = \(base)/kernels
    debugs = \(base)/debugs
    workDirectory = \(base)/work
    database = \(base)/db/cas.db
    \(settings)
    [maintenance]
    purgeLimit = 30
    \(maintenance)
    [advanced]
    \(advanced)
    """
}

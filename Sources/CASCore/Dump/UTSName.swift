/// The kernel's `struct new_utsname`: six NUL-padded 65-byte fields, as in a kdump header or `init_uts_ns`.
struct UTSName: Equatable {
    static let fieldLength = 65
    static let size = 6 * fieldLength

    var sysname: String
    var nodename: String
    var release: String
    var version: String
    var machine: String
    var domainname: String

    /// Parses the six fields starting at `offset` of `bytes`; missing bytes read as empty fields.
    static func parse(_ bytes: [UInt8], at offset: Int = 0) -> UTSName {
        let header = HeaderBytes(bytes, order: .little)
        func field(_ index: Int) -> String { header.cString(offset + index * fieldLength, length: fieldLength) }
        return UTSName(
            sysname: field(0), nodename: field(1), release: field(2), version: field(3), machine: field(4),
            domainname: field(5))
    }

    /// Fills the empty fields of `identity` from these names (what the dump's header says is kept); the
    /// machine, when it names an architecture, is recorded as `source`'s claim (see ``Architecture/resolve``).
    func fill(_ identity: inout KernelIdentity, source: String) {
        if identity.release == nil, !release.isEmpty { identity.release = release }
        if identity.version == nil, !version.isEmpty { identity.version = version }
        if identity.nodename == nil, !nodename.isEmpty { identity.nodename = nodename }
        Architecture.claim(Architecture.known(machine: machine), source: source, in: &identity)
    }
}

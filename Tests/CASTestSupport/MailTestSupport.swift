import Foundation

/// A real SMTP server on loopback for tests: Debian's aiosmtpd, with a handler that saves every
/// message it accepts (raw `.eml` plus a `.json` parsed by Python's own `email` package).
///
/// Shared by CASCoreTests and CLITests.
public final class SMTPSink: @unchecked Sendable {
    /// What the server received, as Python's email parser understood it.
    public struct Received: Decodable {
        public struct Attachment: Decodable {
            public var filename: String
            public var data: String  // base64 of the decoded bytes
            public var bytes: [UInt8] { Array(Data(base64Encoded: data) ?? Data()) }
        }
        public var mailFrom: String
        public var rcptTos: [String]
        public var to: [String]
        public var subject: String
        public var body: String
        public var attachments: [Attachment]
        public var auth: String?
        public var raw: String
    }

    public static let python = "/usr/bin/python3"
    public static var available: Bool {
        FileManager.default.isExecutableFile(atPath: python)
            && FileManager.default.fileExists(atPath: "/usr/lib/python3/dist-packages/aiosmtpd")
    }

    public let port: Int
    public let directory: URL
    private let server: Daemon

    /// Starts a server; `reject` addresses get `550` at RCPT; `auth` ("user:password") makes AUTH required.
    public init(reject: [String] = [], auth: String? = nil) throws {
        directory = try makeTemporaryDirectory("smtp-sink")
        let script = directory.appendingPathComponent("sink.py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        let inbox = directory.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let port = try freeLoopbackPort()
        self.port = port
        server = try Daemon(
            Self.python, [script.path, inbox.path, String(port), reject.joined(separator: ","), auth ?? ""],
            log: directory.appendingPathComponent("sink.log").path
        ) { canConnect(port: port) }
    }

    public func stop() { server.stop() }

    /// The messages received so far, in arrival order.
    public func messages() throws -> [Received] {
        let inbox = directory.appendingPathComponent("inbox")
        let names = try FileManager.default.contentsOfDirectory(atPath: inbox.path).filter { $0.hasSuffix(".json") }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try names.sorted { Int($0.dropLast(5))! < Int($1.dropLast(5))! }.map {
            try decoder.decode(Received.self, from: Data(contentsOf: inbox.appendingPathComponent($0)))
        }
    }

    /// The kit's failure under its former name.
    public typealias SinkFailed = TestFailure

    static let script = #"""
        import asyncio, base64, email, email.policy, json, os, sys
        from aiosmtpd.smtp import SMTP, AuthResult
        inbox, port, reject, auth = sys.argv[1], int(sys.argv[2]), set(filter(None, sys.argv[3].split(","))), sys.argv[4]
        count = 0

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, options):
                if address in reject:
                    return "550 5.1.1 <%s>: recipient address rejected" % address
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                global count
                count += 1
                raw = envelope.original_content
                msg = email.message_from_bytes(raw, policy=email.policy.default)
                body = msg.get_body(preferencelist=("plain",))
                record = {
                    "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                    "to": [a.addr_spec for a in msg["to"].addresses], "subject": str(msg["subject"]),
                    "body": body.get_content().replace("\r\n", "\n") if body is not None else "",
                    "attachments": [{"filename": p.get_filename(),
                                     "data": base64.b64encode(p.get_payload(decode=True)).decode()}
                                    for p in msg.iter_attachments()],
                    "auth": session.auth_data if isinstance(session.auth_data, str) else None,
                    "raw": raw.decode("ascii", "replace"),
                }
                with open(os.path.join(inbox, "%d.tmp" % count), "w") as f:
                    json.dump(record, f)
                os.rename(os.path.join(inbox, "%d.tmp" % count), os.path.join(inbox, "%d.json" % count))
                return "250 Message accepted"

        def authenticator(server, session, envelope, mechanism, data):
            user, _, password = auth.partition(":")
            ok = data.login == user.encode() and data.password == password.encode()
            return AuthResult(success=ok, handled=False, auth_data=data.login.decode())

        async def main():
            loop = asyncio.get_running_loop()
            kwargs = dict(auth_require_tls=False, authenticator=authenticator, auth_required=True) if auth else {}
            server = await loop.create_server(lambda: SMTP(Handler(), **kwargs), "127.0.0.1", port)
            async with server:
                await server.serve_forever()

        asyncio.run(main())
        """#
}

/// A job directory holding `traceback`, `sys`, `log` and `crash.out` cut from the fixture's crash-reference.out.
public func makeFixtureJobDirectory() throws -> (directory: String, crashOut: [UInt8]) {
    let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.directory + "/crash-reference.out"))
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    guard let pid = lines.firstIndex(where: { $0.hasPrefix("PID:") }),
        let log = lines.firstIndex(where: { $0.hasPrefix("[") }),
        let logEnd = lines.firstIndex(where: { $0.contains("PPID") })
    else { throw CocoaError(.fileReadCorruptFile) }
    let dir = try makeTemporaryDirectory("cas-mail-job")
    func write(_ name: String, _ slice: ArraySlice<Substring>) throws {
        try (slice.joined(separator: "\n") + "\n").write(
            to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    try write("sys", lines[..<pid])
    try write("traceback", lines[pid..<log])
    try write("log", lines[log..<logEnd])
    try data.write(to: dir.appendingPathComponent("crash.out"))
    return (dir.path, Array(data))
}

import Foundation

/// The checks of what the casuser (and the analysts' group) can do with CAS's directories and database.
extension InstallationCheck {
    /// The casuser and the analysts' group as the checks see them.
    struct Team {
        var casuser: String
        /// The casuser's access, nil when it is not a user on this host.
        var access: UserAccess?
        /// `[settings] analysts`, and its id when the group exists.
        var analysts: String?
        var analystsGid: gid_t?

        init(settings: Settings) {
            casuser = settings.casUser
            access = UserAccess(user: casuser)
            analysts = settings.analysts
            analystsGid = settings.analysts.flatMap { getgrnam($0)?.pointee.gr_gid }
        }

        /// `chown -R cas: PATH`, or `chown -R cas:casanalysts PATH` in the team model.
        func chown(_ path: String) -> String {
            "chown -R \(casuser):\(analysts ?? "") \(path)"
        }

        /// The command making a missing state directory, owned as it should be.
        func install(_ path: String) -> String {
            if let analysts { return "install -d -o \(casuser) -g \(analysts) -m 2750 \(path)" }
            return "install -d -o \(casuser) -m 0750 \(path)"
        }
    }

    static func casUser(_ user: String, team: Team) -> Item {
        guard let access = team.access else {
            return Item(
                name: "casuser", status: .error,
                detail:
                    "user '\(user)' does not exist on this host (useradd --system --create-home \(user))")
        }
        let groups = access.groups.sorted().map { FileKind.groupName($0) }.joined(separator: ", ")
        let current = Settings.currentUserName()
        let how =
            current == user
            ? "running as it" : "its access computed from owners and modes; this runs as \(current)"
        return Item(
            name: "casuser", status: .ok, detail: "\(user) (uid \(access.uid), groups \(groups); \(how))")
    }

    /// `[settings] analysts`: the group exists and the casuser is in it (it hands jobs to the group).
    static func analysts(_ settings: Settings, team: Team) -> Item {
        guard let group = settings.analysts else {
            return Item(
                name: "analysts", status: .ok,
                detail:
                    "not set: jobs are readable by \(team.casuser) alone (set [settings] analysts for a team)"
            )
        }
        guard let gid = team.analystsGid, let entry = getgrgid(gid) else {
            return Item(
                name: "analysts", status: .error,
                detail: "group '\(group)' does not exist on this host (groupadd \(group))")
        }
        var members: [String] = []
        var member = entry.pointee.gr_mem
        while let name = member?.pointee {
            members.append(String(cString: name))
            member = member?.advanced(by: 1)
        }
        if let access = team.access, !access.groups.contains(gid) {
            return Item(
                name: "analysts", status: .error,
                detail: "\(team.casuser) is not in group \(group), so jobs cannot be given to it "
                    + "(usermod -aG \(group) \(team.casuser))")
        }
        let others = members.filter { $0 != team.casuser }
        return Item(
            name: "analysts", status: .ok,
            detail:
                "\(group): \(others.isEmpty ? "no members besides \(team.casuser) yet" : others.joined(separator: ", "))"
        )
    }

    /// A directory the casuser needs (`needs`), and, with `team`, that the analysts' group can read.
    /// `createdOnUse`: a missing directory is fine (the built-in default makes them on first use).
    static func directory(
        _ name: String, _ path: String, needs: UserAccess.Need, team: Team?, createdOnUse: Bool = false
    ) -> Item {
        var st = stat()
        guard stat(path, &st) == 0 else {
            let reason = String(cString: strerror(errno)).lowercased()
            if errno == ENOENT, createdOnUse {
                return Item(name: name, status: .ok, detail: "\(path) (created on first use)")
            }
            if errno == ENOENT, let team, needs.contains(.write) {
                return Item(
                    name: name, status: .error, detail: "\(path): does not exist (\(team.install(path)))")
            }
            return Item(name: name, status: .error, detail: "\(path): \(reason)")
        }
        guard st.st_mode & S_IFMT == S_IFDIR else {
            return Item(name: name, status: .error, detail: "\(path): not a directory")
        }
        if let team, let access = team.access, let problem = access.problem(path, needs: needs) {
            let fix =
                problem.path != path && problem.kind == .cannotEnter
                ? "let it enter: chmod o+x \(problem.path)"
                : needs.contains(.write)
                    ? team.chown(path) : "make it readable by \(team.casuser), e.g. chmod -R o+rX \(path)"
            return Item(
                name: name, status: .error, detail: "\(path): casuser \(team.casuser) \(problem) (\(fix))")
        }
        if let open = writableByOthers(path) {
            return Item(name: name, status: .warning, detail: "\(path): \(open)")
        }
        if let team, needs.contains(.write), let group = team.analysts, let gid = team.analystsGid,
            st.st_gid != gid || st.st_mode & 0o2050 != 0o2050
        {
            return Item(
                name: name, status: .warning,
                detail: "\(path): the analysts' group \(group) cannot read what lands here "
                    + "(it is group \(FileKind.groupName(st.st_gid)), mode \(String(st.st_mode & 0o7777, radix: 8)); "
                    + "chgrp \(group) \(path) && chmod 2750 \(path))")
        }
        guard let free = FileSystem.freeBytes(path) else {
            return Item(name: name, status: .ok, detail: path)
        }
        return Item(name: name, status: .ok, detail: "\(path) (\(ByteCount.format(free)) free)")
    }

    /// The database: its directory writable by the casuser, the file readable and writable by it (and by the
    /// analysts' group for reading), the schema read without creating or migrating anything. Also returns
    /// the indexed kernels (for the crash check).
    static func database(_ path: String, team: Team, createdOnUse: Bool = false) -> (
        [Item], [IndexedKernel]
    ) {
        let directory =
            (path as NSString).deletingLastPathComponent.isEmpty
            ? "." : (path as NSString).deletingLastPathComponent
        func failed(_ detail: String) -> ([Item], [IndexedKernel]) {
            ([Item(name: "database", status: .error, detail: "\(path): \(detail)")], [])
        }
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno != ENOENT {
                let reason = String(cString: strerror(errno)).lowercased()
                return failed("\(reason) for \(Settings.currentUserName()) (\(team.chown(directory)))")
            }
            // Not created yet: the casuser's first `cas-admin -b` or job makes it, in a directory it can write.
            var dirStat = stat()
            if stat(directory, &dirStat) != 0, createdOnUse {
                return ([Item(name: "database", status: .ok, detail: "\(path) (created on first use)")], [])
            }
            if stat(directory, &dirStat) != 0 {
                return failed("its directory \(directory) does not exist (\(team.install(directory)))")
            }
            if let access = team.access,
                let problem = access.problem(directory, needs: [.write, .search])
            {
                return failed(
                    "not created yet, and casuser \(team.casuser) \(problem) (\(team.chown(directory)))")
            }
            let detail =
                "\(path): not created yet (the first cas-admin -b or job as \(team.casuser) creates it)"
            return ([Item(name: "database", status: .ok, detail: detail)], [])
        }
        if let access = team.access {
            let needs: [(String, UserAccess.Need)] = [
                (directory, [.write, .search]), (path, [.read, .write]),
            ]
            for (target, need) in needs {
                if let problem = access.problem(target, needs: need) {
                    return failed("casuser \(team.casuser) \(problem) (\(team.chown(directory)))")
                }
            }
        }
        var items: [Item] = []
        var kernels: [IndexedKernel] = []
        do {
            let store = try Store(readingOnly: path, busyTimeout: 5)
            let version = try store.schemaVersion()
            kernels = (try? store.indexedKernels()) ?? []
            items.append(
                Item(name: "database", status: .ok, detail: "\(path) (schema version \(version))"))
        } catch {
            items.append(Item(name: "database", status: .error, detail: error.description))
        }
        if let group = team.analysts, let gid = team.analystsGid,
            st.st_gid != gid || st.st_mode & 0o040 == 0
        {
            items.append(
                Item(
                    name: "database", status: .warning,
                    detail: "\(path): the analysts' group \(group) cannot read it for cas-admin list (it is "
                        + "\(FileKind.userName(st.st_uid)):\(FileKind.groupName(st.st_gid)), mode "
                        + "\(String(st.st_mode & 0o7777, radix: 8)); \(team.chown(directory)) && chmod 0640 \(path))"
                ))
        }
        return (items, kernels)
    }
}

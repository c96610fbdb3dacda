import GRDB

extension Store {
    /// The job states before DESIGN's stage names, and their names now.
    static let stageRenames = [
        ("unpacking", "intake"), ("identifying", "identify"), ("locating", "lookup"), ("extracting", "lookup"),
        ("analysing", "crash"),
    ]

    /// Versioned schema migrations; append new ones at the end, never edit an applied one.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: packages, kernels, servers, jobs, cache") { db in
            try db.execute(
                sql: """
                    CREATE TABLE package (
                        id INTEGER PRIMARY KEY,
                        path TEXT NOT NULL UNIQUE,
                        size INTEGER NOT NULL,
                        mtime DOUBLE NOT NULL,
                        kind TEXT NOT NULL,               -- rpm | deb | vmlinux
                        name TEXT,
                        version TEXT,
                        release TEXT,
                        arch TEXT,
                        buildTime INTEGER,
                        payloadFormat TEXT,
                        payloadCompressor TEXT,
                        indexedAt DOUBLE NOT NULL
                    );
                    CREATE TABLE kernel (
                        id INTEGER PRIMARY KEY,
                        packageId INTEGER NOT NULL REFERENCES package(id) ON DELETE CASCADE,
                        release TEXT NOT NULL,
                        arch TEXT,
                        buildId TEXT,
                        banner TEXT,
                        vmlinuxPath TEXT NOT NULL,        -- path inside the package
                        vmlinuxSize INTEGER
                    );
                    CREATE INDEX kernel_buildId ON kernel(buildId);
                    CREATE INDEX kernel_release ON kernel(release, arch);
                    CREATE INDEX kernel_package ON kernel(packageId);
                    CREATE TABLE moduleFile (
                        kernelId INTEGER NOT NULL REFERENCES kernel(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,               -- module name, '-' folded to '_'
                        path TEXT NOT NULL                -- path inside the package
                    );
                    CREATE INDEX moduleFile_kernel ON moduleFile(kernelId, name);
                    CREATE TABLE server (
                        id INTEGER PRIMARY KEY,
                        host TEXT NOT NULL,
                        port INTEGER NOT NULL DEFAULT 22,
                        arch TEXT,
                        crashVersion TEXT,
                        sharedStorage BOOLEAN NOT NULL DEFAULT 0,
                        available BOOLEAN NOT NULL DEFAULT 0,
                        lastSeen DOUBLE,
                        lastError TEXT,
                        UNIQUE(host, port)
                    );
                    CREATE TABLE job (
                        id INTEGER PRIMARY KEY,
                        caseId TEXT NOT NULL,
                        directory TEXT NOT NULL UNIQUE,
                        state TEXT NOT NULL,
                        step TEXT,
                        error TEXT,
                        dump TEXT,
                        release TEXT,
                        arch TEXT,
                        buildId TEXT,
                        vmlinux TEXT,
                        server TEXT,
                        pid INTEGER,
                        startedAt DOUBLE NOT NULL,
                        updatedAt DOUBLE NOT NULL,
                        finishedAt DOUBLE,
                        mailState TEXT
                    );
                    CREATE INDEX job_case ON job(caseId);
                    CREATE INDEX job_state ON job(state);
                    CREATE TABLE cacheEntry (
                        path TEXT PRIMARY KEY,            -- directory under debugs
                        release TEXT,
                        buildId TEXT,
                        size INTEGER NOT NULL DEFAULT 0,
                        extractedAt DOUBLE NOT NULL,
                        lastUsed DOUBLE NOT NULL
                    );
                    """)
        }
        registerMailMigrations(&migrator)
        migrator.registerMigration("v3: stage names") { db in
            // The job's states were unpacking/identifying/locating/extracting/analysing: DESIGN's stage names now.
            for (old, new) in stageRenames {
                try db.execute(sql: "UPDATE job SET state = ? WHERE state = ?", arguments: [new, old])
                try db.execute(sql: "UPDATE job SET step = ? WHERE step = ?", arguments: [new, old])
            }
        }
        return migrator
    }()
}

import GRDB

/// The schema of the audit trail's own file, as an ordered list of migrations (never edited once landed).
enum SQLiteAuditMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-12-03-audit-trail") { db in
            // `trail` names the register this trail belongs to (its `audit_trail` row holds the same id). The
            // other tables repeat the register's "2026-11-29-accounts-audit" on purpose (the entries are
            // copied column for column): a landed migration never changes, so the two share no text.
            try db.execute(sql: """
                CREATE TABLE trail (one INTEGER PRIMARY KEY CHECK (one = 1), id TEXT NOT NULL);
                CREATE TABLE audit_entries (
                    seq INTEGER PRIMARY KEY,
                    time_us INTEGER NOT NULL,
                    actor TEXT NOT NULL,
                    role TEXT NOT NULL,
                    unit TEXT NOT NULL,
                    action TEXT NOT NULL,
                    target TEXT NOT NULL,
                    purpose TEXT NOT NULL,
                    client TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                CREATE INDEX audit_by_target ON audit_entries(target, seq) WHERE target <> '';
                CREATE INDEX audit_by_actor ON audit_entries(actor, seq);
                CREATE TABLE audit_checkpoints (
                    seq INTEGER PRIMARY KEY,
                    hash TEXT NOT NULL,
                    time_us INTEGER NOT NULL,
                    signature BLOB NOT NULL
                );
                """)
        }
        return migrator
    }
}

import CanCuocStore
import GRDB

/// The schema, as an ordered list of migrations. A migration is never edited once it has landed:
/// a change is a new migration at the end.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-29-register") { db in
            try db.execute(sql: """
                CREATE TABLE households (
                    id INTEGER PRIMARY KEY,
                    province_code TEXT NOT NULL,
                    address_unit TEXT NOT NULL,
                    address_street TEXT NOT NULL DEFAULT '',
                    head_id INTEGER
                );
                CREATE TABLE residents (
                    id INTEGER PRIMARY KEY,
                    province_code TEXT NOT NULL,
                    pin TEXT NOT NULL,
                    full_name TEXT NOT NULL,
                    search_terms TEXT NOT NULL,
                    other_names TEXT,
                    birth_date TEXT NOT NULL,
                    birth_year INTEGER NOT NULL,
                    birth_month INTEGER,
                    birth_day INTEGER,
                    sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
                    birth_place_unit TEXT,
                    birth_place_detail TEXT,
                    birth_reg_unit TEXT,
                    birth_reg_detail TEXT,
                    born_abroad INTEGER NOT NULL DEFAULT 0,
                    hometown_unit TEXT,
                    hometown_detail TEXT,
                    ethnicity_code TEXT NOT NULL,
                    religion TEXT NOT NULL,
                    nationality TEXT NOT NULL,
                    blood_type TEXT,
                    old_id TEXT,
                    documents TEXT,
                    father TEXT,
                    mother TEXT,
                    spouse TEXT,
                    children TEXT,
                    legal_representative TEXT,
                    marital_status TEXT,
                    perm_unit TEXT,
                    perm_street TEXT,
                    temp_unit TEXT,
                    temp_street TEXT,
                    temp_absence TEXT,
                    current_unit TEXT,
                    current_street TEXT,
                    household_id INTEGER REFERENCES households(id),
                    relation_to_head TEXT,
                    death_date TEXT,
                    missing_since TEXT,
                    phone TEXT,
                    email TEXT,
                    version INTEGER NOT NULL,
                    recorded_at REAL NOT NULL,
                    recorded_by TEXT NOT NULL,
                    reason TEXT NOT NULL
                );
                -- Search by name words, date of birth and commune (SearchTerms), kept by SQLiteIndexes.
                CREATE VIRTUAL TABLE resident_terms USING fts5(
                    search_terms, content='residents', content_rowid='id', tokenize='unicode61', detail='none'
                );

                -- Superseded versions: the full record as it was, with who/when/why of that version.
                CREATE TABLE resident_versions (
                    resident_id INTEGER NOT NULL,
                    version INTEGER NOT NULL,
                    province_code TEXT NOT NULL,
                    recorded_at REAL NOT NULL,
                    recorded_by TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    snapshot TEXT NOT NULL,
                    PRIMARY KEY (resident_id, version)
                ) WITHOUT ROWID;
                CREATE TABLE resident_deletions (
                    resident_id INTEGER PRIMARY KEY,
                    deleted_at REAL NOT NULL,
                    deleted_by TEXT NOT NULL,
                    reason TEXT NOT NULL
                );

                -- Every PIN ever issued: never deleted, so a PIN is never handed out twice.
                CREATE TABLE issued_pins (pin TEXT PRIMARY KEY) WITHOUT ROWID;
                CREATE TABLE pin_buckets (prefix TEXT PRIMARY KEY, issued INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE pin_links (
                    old_pin TEXT PRIMARY KEY,
                    new_pin TEXT NOT NULL,
                    resident_id INTEGER NOT NULL,
                    linked_at REAL NOT NULL,
                    reason TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
            try SQLiteIndexes.create(in: db)
        }
        migrator.registerMigration("2026-11-29-accounts-audit") { db in
            // Times are whole microseconds since 1970 (as in the PostgreSQL schema), so both backends
            // hash and compare audit entries alike.
            try db.execute(sql: """
                CREATE TABLE accounts (
                    id INTEGER PRIMARY KEY,
                    username TEXT NOT NULL UNIQUE,
                    display_name TEXT NOT NULL,
                    role TEXT NOT NULL,
                    unit TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    totp_secret BLOB,
                    must_change_password INTEGER NOT NULL,
                    disabled INTEGER NOT NULL DEFAULT 0,
                    failed_sign_ins INTEGER NOT NULL DEFAULT 0,
                    locked_until INTEGER,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE sessions (
                    token_hash TEXT PRIMARY KEY,
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    csrf_token TEXT NOT NULL,
                    second_factor_done INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX sessions_by_account ON sessions(account_id);
                CREATE TABLE api_tokens (
                    id INTEGER PRIMARY KEY,
                    account_id INTEGER NOT NULL REFERENCES accounts(id),
                    token_hash TEXT NOT NULL UNIQUE,
                    scopes TEXT NOT NULL,
                    label TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    revoked_at INTEGER,
                    rate_limit INTEGER NOT NULL
                );
                CREATE TABLE token_usage (
                    token_id INTEGER NOT NULL,
                    window INTEGER NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (token_id, window)
                ) WITHOUT ROWID;
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
                CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);
                INSERT INTO audit_head VALUES (1, 0, '\(AuditHead.genesis.hash)');
                CREATE TABLE audit_checkpoints (
                    seq INTEGER PRIMARY KEY,
                    hash TEXT NOT NULL,
                    time_us INTEGER NOT NULL,
                    signature BLOB NOT NULL
                );
                CREATE TABLE server_keys (name TEXT PRIMARY KEY, sealed BLOB NOT NULL) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("2026-11-29-cards") { db in
            try db.execute(sql: """
                CREATE TABLE cards (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    province_code TEXT NOT NULL,
                    resident_id INTEGER NOT NULL REFERENCES residents(id),
                    pin TEXT NOT NULL,
                    issued_on TEXT NOT NULL,
                    expires_on TEXT,
                    law TEXT NOT NULL,
                    signer_serial TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    record TEXT NOT NULL,
                    ef_com BLOB NOT NULL,
                    dg1 BLOB NOT NULL,
                    dg2 BLOB,
                    dg13 BLOB NOT NULL,
                    ef_sod BLOB NOT NULL,
                    face_sealed BLOB
                );
                CREATE INDEX cards_by_resident ON cards(resident_id, id);
                """)
        }
        migrator.registerMigration("2026-11-29-applications") { db in
            try db.execute(sql: """
                CREATE TABLE applications (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    province_code TEXT NOT NULL,
                    resident_id INTEGER NOT NULL REFERENCES residents(id),
                    pin TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    reason TEXT,
                    state TEXT NOT NULL,
                    receipt_code TEXT NOT NULL,
                    request_id TEXT,
                    site TEXT NOT NULL,
                    application_date TEXT NOT NULL,
                    due_date TEXT NOT NULL,
                    fee_vnd INTEGER NOT NULL,
                    exemption TEXT,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE UNIQUE INDEX applications_by_receipt ON applications(receipt_code, province_code);
                CREATE UNIQUE INDEX applications_by_request ON applications(request_id, province_code) WHERE request_id IS NOT NULL;
                CREATE UNIQUE INDEX applications_open_per_resident ON applications(resident_id, province_code)
                    WHERE state NOT IN ('handed-over', 'refused', 'cancelled');
                CREATE INDEX applications_by_state ON applications(state, due_date);
                CREATE TABLE application_events (
                    application_id INTEGER NOT NULL REFERENCES applications(id),
                    seq INTEGER NOT NULL,
                    province_code TEXT NOT NULL,
                    from_state TEXT,
                    to_state TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    note TEXT NOT NULL,
                    PRIMARY KEY (application_id, seq)
                ) WITHOUT ROWID;
                """)
        }
        // Queues: the residence commune (whose police sees it) and the current stage's last day (and the old card
        // collected at intake), indexed by
        // area, state and that day so that a queue's first page is an index range even at millions of rows.
        migrator.registerMigration("2026-11-30-application-queues") { db in
            try db.execute(sql: """
                ALTER TABLE applications ADD COLUMN commune TEXT;
                ALTER TABLE applications ADD COLUMN stage_due TEXT;
                ALTER TABLE applications ADD COLUMN collected_document TEXT;
                UPDATE applications SET stage_due = due_date WHERE state NOT IN ('handed-over', 'refused', 'cancelled');
                DROP INDEX applications_by_state;
                CREATE INDEX applications_queue_by_province ON applications(province_code, state, stage_due, id);
                CREATE INDEX applications_queue_by_commune ON applications(commune, state, stage_due, id);
                """)
        }
        // Biometrics captured at intake, sealed (AES-GCM under the data-encryption key).
        migrator.registerMigration("2026-11-30-application-biometrics") { db in
            try db.execute(sql: """
                CREATE TABLE application_biometrics (
                    application_id INTEGER NOT NULL REFERENCES applications(id),
                    kind TEXT NOT NULL,
                    province_code TEXT NOT NULL,
                    format TEXT NOT NULL,
                    width INTEGER NOT NULL,
                    height INTEGER NOT NULL,
                    byte_count INTEGER NOT NULL,
                    sealed BLOB NOT NULL,
                    captured_at INTEGER NOT NULL,
                    captured_by TEXT NOT NULL,
                    PRIMARY KEY (application_id, kind)
                ) WITHOUT ROWID;
                """)
        }
        // Cards' lifecycle: one valid card per person (older ones superseded), lost, revoked; the application a
        // card was made for. Production batches: approved applications grouped, personalised, exported.
        migrator.registerMigration("2026-11-30-card-lifecycle-and-batches") { db in
            try db.execute(sql: """
                ALTER TABLE cards ADD COLUMN status TEXT NOT NULL DEFAULT 'valid';
                ALTER TABLE cards ADD COLUMN application_id INTEGER;
                ALTER TABLE cards ADD COLUMN status_note TEXT NOT NULL DEFAULT '';
                ALTER TABLE cards ADD COLUMN status_at INTEGER;
                UPDATE cards SET status = 'superseded', status_at = created_at
                    WHERE id NOT IN (SELECT MAX(id) FROM cards GROUP BY resident_id);
                CREATE UNIQUE INDEX cards_one_valid_per_resident ON cards(resident_id) WHERE status = 'valid';
                CREATE TABLE batches (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    province_code TEXT NOT NULL,
                    state TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    created_by TEXT NOT NULL,
                    exported_to TEXT,
                    updated_at INTEGER NOT NULL
                );
                CREATE TABLE batch_items (
                    batch_id INTEGER NOT NULL REFERENCES batches(id),
                    application_id INTEGER NOT NULL REFERENCES applications(id),
                    province_code TEXT NOT NULL,
                    state TEXT NOT NULL,
                    card_id INTEGER,
                    problem TEXT NOT NULL DEFAULT '',
                    PRIMARY KEY (batch_id, application_id)
                ) WITHOUT ROWID;
                CREATE UNIQUE INDEX batch_items_once ON batch_items(application_id) WHERE state != 'failed';
                """)
        }
        // Mobile issuance sessions and the residents invited to them.
        migrator.registerMigration("2026-11-30-mobile-sessions") { db in
            try db.execute(sql: """
                CREATE TABLE mobile_sessions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    province_code TEXT NOT NULL,
                    place TEXT NOT NULL,
                    place_name TEXT NOT NULL,
                    commune TEXT NOT NULL,
                    starts_on TEXT NOT NULL,
                    ends_on TEXT NOT NULL,
                    shifts INTEGER NOT NULL,
                    machines INTEGER NOT NULL,
                    officers TEXT NOT NULL,
                    state TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                CREATE TABLE session_invitees (
                    session_id INTEGER NOT NULL REFERENCES mobile_sessions(id),
                    resident_id INTEGER NOT NULL REFERENCES residents(id),
                    province_code TEXT NOT NULL,
                    PRIMARY KEY (session_id, resident_id)
                ) WITHOUT ROWID;
                CREATE INDEX applications_by_site ON applications(site, application_date);
                """)
        }
        // Card production reads a batch's cancelled PINs by resident; a card's DG2 (the face in the clear) is no
        // longer kept: it is rebuilt from the sealed face when the chip files are needed.
        migrator.registerMigration("2026-12-01-card-production") { db in
            try db.execute(sql: """
                CREATE INDEX pin_links_by_resident ON pin_links(resident_id);
                UPDATE cards SET dg2 = NULL WHERE face_sealed IS NOT NULL;
                """)
        }
        // The audit chain's head is its last entry: SQLite has one writer, so nothing orders appends but the
        // write lock. Updating a head row cost every audited request's commit one page more (4.5 instead of
        // 3.5 pages for one entry).
        migrator.registerMigration("2026-12-02-audit-head-is-last-entry") { db in
            try db.execute(sql: "DROP TABLE audit_head")
        }
        // The audit trail moves to a file of its own (`SQLiteAuditFile`, which also moves the entries and
        // drops the tables here); this row names that trail, so that a register never opens without it.
        migrator.registerMigration("2026-12-03-audit-trail-in-own-file") { db in
            try db.execute(sql: "CREATE TABLE audit_trail (one INTEGER PRIMARY KEY CHECK (one = 1), id TEXT NOT NULL)")
        }
        return migrator
    }
}

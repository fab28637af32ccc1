import GRDB

/// The secondary indexes of `residents` and the triggers that keep the name index current. Kept apart
/// from the tables so that a bulk load into an empty register can build them once at the end (much
/// faster than row by row), and re-created at every open in case a load was interrupted.
enum SQLiteIndexes {
    static let statements = [
        "CREATE UNIQUE INDEX IF NOT EXISTS residents_pin ON residents(pin)",
        "CREATE UNIQUE INDEX IF NOT EXISTS residents_old_id ON residents(old_id) WHERE old_id IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS residents_household ON residents(household_id) WHERE household_id IS NOT NULL",
        """
        CREATE TRIGGER IF NOT EXISTS residents_terms_ai AFTER INSERT ON residents BEGIN
            INSERT INTO resident_terms(rowid, search_terms) VALUES (new.id, new.search_terms);
        END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS residents_terms_ad AFTER DELETE ON residents BEGIN
            INSERT INTO resident_terms(resident_terms, rowid, search_terms) VALUES ('delete', old.id, old.search_terms);
        END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS residents_terms_au AFTER UPDATE OF search_terms ON residents BEGIN
            INSERT INTO resident_terms(resident_terms, rowid, search_terms) VALUES ('delete', old.id, old.search_terms);
            INSERT INTO resident_terms(rowid, search_terms) VALUES (new.id, new.search_terms);
        END
        """,
    ]

    static let names = ["residents_pin", "residents_old_id", "residents_household"]
    static let triggers = ["residents_terms_ai", "residents_terms_ad", "residents_terms_au"]

    static func create(in db: Database) throws {
        for statement in statements { try db.execute(sql: statement) }
    }

    /// True when every index and trigger is there.
    static func complete(in db: Database) throws -> Bool {
        let present = try Set(String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = 'residents'"))
        return (names + triggers).allSatisfy(present.contains)
    }

    static func drop(in db: Database) throws {
        for name in triggers { try db.execute(sql: "DROP TRIGGER IF EXISTS \(name)") }
        for name in names { try db.execute(sql: "DROP INDEX IF EXISTS \(name)") }
    }

    /// Re-creates what is missing; rebuilds the name index from the table when its triggers were absent.
    static func restore(in db: Database) throws {
        guard try !complete(in: db) else { return }
        try create(in: db)
        try db.execute(sql: "INSERT INTO resident_terms(resident_terms) VALUES ('rebuild')")
    }
}

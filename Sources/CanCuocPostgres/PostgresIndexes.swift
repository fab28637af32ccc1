import PostgresNIO

/// The secondary indexes and the household reference of `residents`. A load into an empty register
/// drops them and builds them once at the end (PostgreSQL's "Populating a Database" advice);
/// `restore` re-creates any that an interrupted load left missing.
enum PostgresIndexes {
    struct Index: Sendable {
        let name: String
        let create: String
        let drop: String
    }

    static let all: [Index] = [
        Index(name: "residents_pin_key",
              create: "CREATE UNIQUE INDEX IF NOT EXISTS residents_pin_key ON residents (pin, province_code)",
              drop: "DROP INDEX IF EXISTS residents_pin_key"),
        Index(name: "residents_old_id_key",
              create: "CREATE UNIQUE INDEX IF NOT EXISTS residents_old_id_key ON residents (old_id, province_code) WHERE old_id IS NOT NULL",
              drop: "DROP INDEX IF EXISTS residents_old_id_key"),
        Index(name: "residents_household_idx",
              create: "CREATE INDEX IF NOT EXISTS residents_household_idx ON residents (household_id)",
              drop: "DROP INDEX IF EXISTS residents_household_idx"),
        // Name words, dates of birth and communes (SearchTerms): `@>` and `&&` use it.
        Index(name: "residents_terms_idx",
              create: "CREATE INDEX IF NOT EXISTS residents_terms_idx ON residents USING gin (search_terms)",
              drop: "DROP INDEX IF EXISTS residents_terms_idx"),
        // A household and its members belong to one province.
        Index(name: "residents_household_fk",
              create: """
                  DO $$ BEGIN
                      IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'residents_household_fk') THEN
                          ALTER TABLE residents ADD CONSTRAINT residents_household_fk FOREIGN KEY (household_id, province_code)
                              REFERENCES households (id, province_code);
                      END IF;
                  END $$
                  """,
              drop: "ALTER TABLE residents DROP CONSTRAINT IF EXISTS residents_household_fk"),
    ]

    static func drop(on connection: PostgresConnection, logger: Logger) async throws {
        for index in all.reversed() { try await connection.query(PostgresQuery(unsafeSQL: index.drop), logger: logger) }
    }

    static func restore(on connection: PostgresConnection, logger: Logger) async throws {
        for index in all { try await connection.query(PostgresQuery(unsafeSQL: index.create), logger: logger) }
    }
}

import CanCuocCore
@testable import CanCuocPostgres
import CanCuocStore
import Foundation
import PostgresNIO
import Testing

/// Behaviour only PostgreSQL has: the migrations runner, connection faults, COPY's text format.
/// The store's behaviour itself is the shared contract suite in CanCuocStoreTests.
@Suite(.enabled(if: TestServer.admin != nil, "needs CANCUOC_TEST_PG (make test starts a server)"))
struct PostgresRegisterTests {
    static var admin: PostgresLocation? { TestServer.admin }

    func scratch() async throws -> PostgresLocation {
        try await PostgresScratchDatabase.create(admin: Self.admin!)
    }

    func query(_ location: PostgresLocation, _ sql: String) async throws {
        try await PostgresScratchDatabase.withAdmin(location) { connection, logger in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    @Test func migrationsAreRecordedAndRunOnce() async throws {
        let location = try await scratch()
        _ = try await PostgresRegister.open(location)
        _ = try await PostgresRegister.open(location)
        let applied = try await PostgresScratchDatabase.withAdmin(location) { connection, logger in
            try await PostgresMigrator.appliedIDs(on: connection, logger: logger)
        }
        #expect(applied == Set(PostgresMigrations.all.map(\.id)))
    }

    /// The audit trail keeps coarse statistics (a small analyze sample; see the migration's comment).
    @Test func theAuditTrailIsAnalysedFromASmallSample() async throws {
        let location = try await scratch()
        _ = try await PostgresRegister.open(location)
        let targets = try await PostgresScratchDatabase.withAdmin(location) { connection, logger in
            try await connection.all("""
                SELECT attstattarget::bigint FROM pg_attribute WHERE attrelid = 'audit_entries'::regclass AND attnum > 0 AND NOT attisdropped
                """, logger: logger) { try $0.decode(Int64.self) }
        }
        #expect(targets.count == 13)
        #expect(Set(targets) == [10])
    }

    @Test func aDatabaseFromANewerVersionIsRefused() async throws {
        let location = try await scratch()
        try await query(location, "INSERT INTO schema_migrations(id) VALUES ('2099-01-01-future')")
        await #expect {
            _ = try await PostgresRegister.open(location)
        } throws: { error in
            "\(error)".contains("newer than this program") && "\(error)".contains("2099-01-01-future")
        }
    }

    @Test func aDatabaseThatIsNotOursIsRefused() async throws {
        let location = try Self.admin!.replacingDatabase("foreign_" + UUID().uuidString.prefix(8).lowercased())
        try await query(Self.admin!, "CREATE DATABASE \(location.database)")
        try await query(location, "CREATE TABLE residents (name text)")
        await #expect {
            _ = try await PostgresRegister.open(location)
        } throws: { error in
            "\(error)".contains("not made by cancuoc")
        }
    }

    @Test func wrongPasswordAndDownServerSayWhatIsWrong() async throws {
        let admin = Self.admin!
        let wrong = try PostgresLocation(url: "postgres://\(admin.username):not-the-password@\(admin.host):\(admin.port)/postgres?sslmode=disable")
        await #expect {
            _ = try await PostgresRegister.open(wrong)
        } throws: { error in
            "\(error)".contains("password authentication failed") && !"\(error)".contains("not-the-password")
        }
        let down = try PostgresLocation(url: "postgres://u:p@127.0.0.1:1/db?sslmode=disable")
        await #expect {
            _ = try await PostgresRegister.open(down)
        } throws: { error in
            "\(error)".contains("cannot open postgres://u@127.0.0.1:1/db") && "\(error)".contains("refused")
        }
    }

    /// A request while the server cannot be reached fails with `unavailable` (the API's 503), not a hang.
    @Test func requestsFailCleanlyWhenTheServerIsGone() async throws {
        let down = try PostgresLocation(url: "postgres://u:p@127.0.0.1:1/db?sslmode=disable")
        let client = PostgresClient(configuration: down.clientConfiguration(connectionsKeptOpen: 0), backgroundLogger: PostgresRegister.defaultLogger)
        var database = PostgresDatabase(client: client, logger: PostgresRegister.defaultLogger)
        database.leaseTimeout = .milliseconds(500)
        let register = PostgresRegister(location: down, database: database)
        let pool = Task { try await register.run() }
        defer { pool.cancel() }
        // How soon it fails is measured against a real server process in ha/test_lost_connection.py:
        // inside this test process the whole suite shares two cores and timings mean little.
        await #expect(throws: StoreError.unavailable) { _ = try await register.residents.resident(id: 1) }
        await #expect(throws: StoreError.unavailable) { try await register.ping() }
    }

    /// Tabs, line ends, backslashes and quotes survive COPY's text format in every kind of column.
    @Test func awkwardTextSurvivesCopy() async throws {
        let register = try await PostgresRegister.open(scratch())
        let pool = Task { try await register.run() }
        defer { pool.cancel() }
        var resident = Resident(
            provinceCode: "38", pin: try PIN("038090000123"), fullName: "Nguyễn \"Văn\" An", birthDate: try PartialDate(iso: "1990-05-12"), sex: .male,
            birthRegistrationPlace: Place(unit: UnitRef(edition: .threeLevel, code: "38"), detail: "tab\there"),
            permanentResidence: Address(unit: UnitRef(edition: .threeLevel, code: "14971"), street: "Số 1\\2, ngõ \"3\"\nThôn\r4"))
        resident.otherNames = ["back\\slash", "{braces}, comma"]
        let household = Household(provinceCode: "38", address: Address(unit: UnitRef(edition: .threeLevel, code: "14971"), street: "a\tb\\c"))
        var batch = BulkBatch(households: [household], residents: [(resident, 0)])
        batch.residents[0].resident.relationToHead = .head
        let context = ChangeContext(actor: "t\\est", reason: "line\nbreak", at: Date())
        #expect(try await register.bulk.load(batch, context: context) == 1)
        let stored = try #require(try await register.residents.resident(pin: resident.pin!))
        var expected = batch.residents[0].resident
        expected.id = stored.resident.id
        expected.householdId = stored.resident.householdId
        #expect(stored.resident == expected)
        #expect(stored.version.recordedBy == "t\\est")
        #expect(stored.version.reason == "line\nbreak")
        #expect(stored.version.recordedAt == PostgresTime.stored(context.at))
        let home = try #require(try await register.households.household(id: stored.resident.householdId!))
        #expect(home.address.street == "a\tb\\c")
        #expect(home.headId == stored.resident.id)
        #expect(try await register.residents.search(ResidentQuery(name: "nguyen van an")).items.count == 1)
    }

    @Test func timestampsMatchTheDriversTruncation() {
        for seconds in [0.0, 1_612_137_600.123456789, 946_684_799.9999995, -86_400.5] {
            let date = Date(timeIntervalSince1970: seconds)
            let micros = PostgresTime.microseconds(date)
            #expect(PostgresTime.stored(PostgresTime.stored(date)) == PostgresTime.stored(date))
            #expect(PostgresTime.microseconds(PostgresTime.stored(date)) == micros)
        }
        #expect(PostgresTime.text(Date(timeIntervalSince1970: 1_612_137_600.5)) == "2021-02-01 00:00:00.500000+00")
        #expect(PostgresTime.text(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00:00.000000+00")
    }
}

enum TestServer {
    /// The superuser URL of the server `make test` started.
    static var admin: PostgresLocation? {
        ProcessInfo.processInfo.environment["CANCUOC_TEST_PG"].flatMap { try? PostgresLocation(url: $0) }
    }
}

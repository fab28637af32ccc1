import CanCuocCore
import CanCuocPostgres
import CanCuocSQLite
import CanCuocStore
import Foundation

/// The backends every contract test runs against. PostgreSQL is there when the test command has
/// started a server (CANCUOC_TEST_PG, set by `make test`); each test gets a database of its own.
enum Backend: String, CaseIterable, Sendable {
    case sqliteMemory = "sqlite-memory"
    case sqliteFile = "sqlite-file"
    case postgres

    static var allCases: [Backend] {
        ProcessInfo.processInfo.environment["CANCUOC_TEST_PG"] == nil ? [.sqliteMemory, .sqliteFile] : [.sqliteMemory, .sqliteFile, .postgres]
    }

    /// The file-backed stores, where concurrency is real.
    static var durable: [Backend] { allCases.filter { $0 != .sqliteMemory } }

    func open(clock: @escaping @Sendable () -> Date = Date.init) async throws -> any RegisterStore {
        switch self {
        case .postgres:
            let admin = try PostgresLocation(url: ProcessInfo.processInfo.environment["CANCUOC_TEST_PG"] ?? "")
            let register = try await PostgresRegister.open(PostgresScratchDatabase.create(admin: admin))
            // The pool runs for the rest of the test process.
            Task { try await register.run() }
            return register
        case .sqliteMemory:
            return try SQLiteRegister.inMemory(clock: clock)
        case .sqliteFile:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cancuoc-test-\(UUID().uuidString)")
            TemporaryFolders.removeAtExit(folder)
            return try SQLiteRegister(path: folder.appendingPathComponent("register.sqlite").path, clock: clock)
        }
    }
}


/// Folders of file registers, removed when the test process ends: a test's register lives as long as the
/// test holds it, and the contract tests have no common end where they could close it.
enum TemporaryFolders {
    private static let folders = Mutex<[URL]>([])
    private static let registered: Bool = {
        atexit {
            for folder in TemporaryFolders.folders.withLock({ $0 }) { try? FileManager.default.removeItem(at: folder) }
        }
        return true
    }()

    static func removeAtExit(_ folder: URL) {
        _ = registered  // installs the exit handler once
        folders.withLock { $0.append(folder) }
    }
}

/// A settable clock for "as of" scenarios.
final class TestClock: Sendable {
    private let state = Mutex(Date(timeIntervalSince1970: 1_612_137_600))  // 2021-02-01T00:00:00Z
    var now: Date { state.withLock { $0 } }
    func set(_ iso: String) { state.withLock { $0 = ISO8601DateFormatter().date(from: iso)! } }
    func advance(_ seconds: TimeInterval) { state.withLock { $0 = $0.addingTimeInterval(seconds) } }
    var function: @Sendable () -> Date { { self.now } }
}

enum Fixtures {
    static let commune = UnitRef(edition: .threeLevel, code: "14971")

    static func resident(_ name: String = "Nguyễn Văn An", birth: String = "1990-05-12", sex: Sex = .male, pin: String? = nil, oldId: String? = nil, commune: UnitRef = commune) -> Resident {
        Resident(
            provinceCode: "38", pin: pin.map { try! PIN($0) }, fullName: name, birthDate: try! PartialDate(iso: birth), sex: sex,
            birthRegistrationPlace: Place(unit: UnitRef(edition: .threeLevel, code: "38")), oldIdNumber: oldId,
            permanentResidence: Address(unit: commune, street: "Thôn 1"))
    }
}

import Synchronization

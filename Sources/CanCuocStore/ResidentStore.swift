import CanCuocCore
import Foundation

/// The resident register: records with full version history. Implemented by each backend
/// (CanCuocSQLite, CanCuocPostgres); callers never see a driver.
public protocol ResidentStore: Sendable {
    /// Adds a record as version 1. A missing PIN is allocated in the same transaction.
    func create(_ resident: Resident, context: ChangeContext) async throws -> CreatedResident

    /// Replaces the record with `updated` as a new version. `expectedVersion` guards against
    /// overwriting a change the caller has not seen.
    func correct(_ updated: Resident, expectedVersion: Int, context: ChangeContext) async throws -> VersionedResident

    /// Cancels the PIN and gives the record a new one (sex re-determined, birth year corrected, data-entry
    /// error in the birth registration place); the old PIN stays linked to the new one.
    func reestablishPIN(id: ResidentID, sex: Sex, birthDate: PartialDate, birthRegistrationProvince: String, expectedVersion: Int, context: ChangeContext) async throws -> VersionedResident

    /// Removes a record (e.g. a duplicate). Its history is kept and its PIN is never issued again.
    func delete(id: ResidentID, context: ChangeContext) async throws

    func resident(id: ResidentID) async throws -> VersionedResident?
    func resident(pin: PIN) async throws -> VersionedResident?
    /// Every version, newest first.
    func history(id: ResidentID) async throws -> [VersionedResident]
    /// The state the record had at the instant `at` (nil when it did not exist yet).
    func resident(id: ResidentID, asOf at: Date) async throws -> VersionedResident?
    /// The PIN that replaced a cancelled one, following re-establishments to the current PIN.
    func currentPIN(for cancelled: PIN) async throws -> PIN?
    func search(_ query: ResidentQuery) async throws -> Page<VersionedResident>
    func count() async throws -> Int
    /// How many current records match the query's criteria and restrictions (paging ignored).
    func count(_ query: ResidentQuery) async throws -> Int
}

public struct CreatedResident: Sendable {
    public let record: VersionedResident
    /// Set when the PIN bucket the new PIN came from is 90% used or more.
    public let bucketWarning: PINBucketWarning?

    public init(record: VersionedResident, bucketWarning: PINBucketWarning?) {
        self.record = record
        self.bucketWarning = bucketWarning
    }
}

/// Search criteria; all given criteria must match.
public struct ResidentQuery: Sendable, Hashable {
    public var pin: PIN?
    public var oldIdNumber: String?
    /// Whole words of the name, any order, ignoring diacritics and case.
    public var name: String?
    public var birthDate: PartialDate?
    /// Residents whose permanent residence is in one of these communes.
    public var communes: [UnitRef]?
    /// Only records kept by one of these provinces (a province-wide jurisdiction).
    public var provinceCodes: Set<String>?
    public var page: Int
    public var perPage: Int

    public init(pin: PIN? = nil, oldIdNumber: String? = nil, name: String? = nil, birthDate: PartialDate? = nil, communes: [UnitRef]? = nil,
                provinceCodes: Set<String>? = nil, page: Int = 1, perPage: Int = 20) {
        self.provinceCodes = provinceCodes
        self.pin = pin
        self.oldIdNumber = oldIdNumber
        self.name = name
        self.birthDate = birthDate
        self.communes = communes
        self.page = max(1, page)
        self.perPage = min(max(1, perPage), 200)
    }

    public var nameWords: [String] { name.map(VietnameseText.words) ?? [] }

    public var isEmpty: Bool { pin == nil && oldIdNumber == nil && nameWords.isEmpty && birthDate == nil && communes == nil }
}

public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let page: Int
    public let perPage: Int
    public let hasMore: Bool

    public init(items: [Item], page: Int, perPage: Int, hasMore: Bool) {
        self.items = items
        self.page = page
        self.perPage = perPage
        self.hasMore = hasMore
    }
}

import CanCuocCore
import Foundation

/// The register's write operations with their rules: validation against the register's rules,
/// required reasons, optimistic concurrency. Used by the API, the console and the CLI alike.
public struct RegisterService: Sendable {
    public let store: any RegisterStore
    public let catalog: AdminUnitCatalog
    public let clock: @Sendable () -> Date

    public init(store: any RegisterStore, catalog: AdminUnitCatalog = .shared, clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.catalog = catalog
        self.clock = clock
    }

    var today: LocalDate { LocalDate(clock()) }

    public func validate(_ resident: Resident) throws {
        let problems = ResidentValidator(catalog: catalog, today: today).problems(in: resident)
        if !problems.isEmpty { throw StoreError.invalid(problems) }
    }

    public func create(_ resident: Resident, actor: String, reason: String) async throws -> CreatedResident {
        try validate(resident)
        if let household = resident.householdId, try await store.households.household(id: household) == nil {
            throw StoreError.unknownHousehold(household)
        }
        return try await store.residents.create(resident, context: try context(actor: actor, reason: reason))
    }

    /// Applies a JSON merge patch (RFC 7396) to the current record and stores the result as a new version.
    public func correct(id: ResidentID, patch: [String: Any], expectedVersion: Int?, actor: String, reason: String) async throws -> VersionedResident {
        let context = try context(actor: actor, reason: reason)
        guard let current = try await store.residents.resident(id: id) else { throw StoreError.notFound }
        for field in ["id", "pin"] where patch[field] != nil {
            throw StoreError.invalid([FieldProblem(field: field, code: "immutable", message: field == "pin" ? "a PIN changes only by re-establishment" : "the record id cannot change")])
        }
        let updated = try ResidentPatch.apply(patch, to: current.resident)
        try validate(updated)
        if updated == current.resident {
            throw StoreError.invalid([FieldProblem(field: "changes", code: "no_change", message: "the correction changes nothing")])
        }
        return try await store.residents.correct(updated, expectedVersion: expectedVersion ?? current.version.number, context: context)
    }

    /// Re-establishes the PIN after sex re-determination or a birth year (or registration place) correction.
    public func reestablishPIN(id: ResidentID, sex: Sex?, birthDate: PartialDate?, birthRegistrationProvince: String?, expectedVersion: Int?, actor: String, reason: String) async throws -> VersionedResident {
        let context = try context(actor: actor, reason: reason)
        guard let current = try await store.residents.resident(id: id) else { throw StoreError.notFound }
        let record = current.resident
        let newSex = sex ?? record.sex
        let newBirth = birthDate ?? record.birthDate
        let oldProvince = record.pin?.provinceCode ?? "0" + record.provinceCode
        let newProvince = birthRegistrationProvince.map { $0.count == 2 ? "0" + $0 : $0 } ?? oldProvince
        guard newSex != record.sex || newBirth.year != record.birthDate.year || newProvince != oldProvince else {
            throw StoreError.invalid([FieldProblem(field: "reason", code: "not_allowed", message: "a PIN is re-established only when sex, birth year or birth registration place changes")])
        }
        if catalog.pinProvince(prefix: newProvince) == nil && !record.birthRegisteredAbroad {
            throw StoreError.invalid([FieldProblem(field: "birth_registration_province", code: "unknown", message: "'\(newProvince)' is not a province code")])
        }
        var candidate = record
        candidate.sex = newSex
        candidate.birthDate = newBirth
        candidate.pin = nil
        try validate(candidate)
        return try await store.residents.reestablishPIN(id: id, sex: newSex, birthDate: newBirth, birthRegistrationProvince: newProvince,
                                                        expectedVersion: expectedVersion ?? current.version.number, context: context)
    }

    public func delete(id: ResidentID, actor: String, reason: String) async throws {
        try await store.residents.delete(id: id, context: try context(actor: actor, reason: reason))
    }

    func context(actor: String, reason: String) throws -> ChangeContext {
        let reason = reason.trimmed
        guard !reason.isEmpty else {
            throw StoreError.invalid([FieldProblem(field: "reason", code: "required", message: "every change needs a reason")])
        }
        return ChangeContext(actor: actor, reason: reason, at: clock())
    }
}

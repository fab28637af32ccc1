import CanCuocCore
import CanCuocStore
import Foundation
import Testing

/// Card applications keep their invariants alike on every backend.
@Suite struct ApplicationStoreContractTests {
    static func intake(_ pin: PIN, request: String? = nil, kind: ApplicationKind = .first, reason: ApplicationReason? = nil,
                       date: String = "2021-07-23") throws -> ApplicationService.Intake {
        .init(pin: pin, kind: kind, reason: reason, date: try LocalDate(iso: date), site: "38", requestID: request)
    }

    @Test(arguments: Backend.allCases)
    func intakeIsIdempotentAndOnePerResident(backend: Backend) async throws {
        let store = try await backend.open()
        let service = ApplicationService(store: store)
        let created = try await store.residents.create(Fixtures.resident(), context: ChangeContext(actor: "test", reason: "t", at: Date()))
        let pin = created.record.resident.pin!
        let (first, isNew) = try await service.create(try Self.intake(pin, request: "form-1"), actor: "desk")
        #expect(isNew && first.state == .received && first.events.map(\.to) == [.received])
        // Xã Ban Công is in Bá Thước, a mountainous district: 20 working days under the 2014 law.
        #expect(ProcessingDeadline.area(of: Fixtures.commune) == .remote)
        #expect(first.dueDate == (try LocalDate(iso: "2021-08-20")))
        #expect(first.receiptCode.hasPrefix("38-") && first.receiptCode.count == 15)
        let (again, againNew) = try await service.create(try Self.intake(pin, request: "form-1"), actor: "desk")
        #expect(!againNew && again == first)
        await #expect(throws: ApplicationError.openApplicationExists(id: first.id, receiptCode: first.receiptCode)) {
            try await service.create(try Self.intake(pin, request: "form-2"), actor: "desk")
        }
        // Once it is closed, a new one may be taken.
        _ = try await service.advance(id: first.id, to: .cancelled, actor: "desk", note: "citizen withdrew")
        let (second, _) = try await service.create(try Self.intake(pin, request: "form-3", kind: .regrant, reason: .lost), actor: "desk")
        #expect(second.id != first.id && second.feeVND == 70_000)
    }

    @Test(arguments: Backend.allCases)
    func movesFollowThePipelineAndConcurrentApprovalsCannotBothWin(backend: Backend) async throws {
        let store = try await backend.open()
        let service = ApplicationService(store: store)
        let created = try await store.residents.create(Fixtures.resident(), context: ChangeContext(actor: "test", reason: "t", at: Date()))
        let (application, _) = try await service.create(try Self.intake(created.record.resident.pin!), actor: "desk")
        await #expect(throws: ApplicationError.rule(.transitionNotAllowed(from: .received, to: .approved))) {
            try await service.advance(id: application.id, to: .approved, actor: "approver")
        }
        _ = try await service.advance(id: application.id, to: .transferred, actor: "desk")
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for approver in ["a1", "a2", "a3"] {
                group.addTask {
                    (try? await store.applications.advance(id: application.id, from: .transferred, to: .approved, actor: approver, at: Date(), note: "")) != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        await #expect(throws: ApplicationError.stateChanged(expected: .transferred, actual: .approved)) {
            try await store.applications.advance(id: application.id, from: .transferred, to: .approved, actor: "late", at: Date(), note: "")
        }
        let shown = try #require(try await store.applications.application(id: application.id))
        #expect(shown.state == .approved && shown.events.map(\.to) == [.received, .transferred, .approved])
        #expect(shown.events.map(\.sequence) == [1, 2, 3])
        #expect(try await store.applications.application(id: 999_999) == nil)
    }

    @Test func badIntakeChangesNothing() async throws {
        let store = try await Backend.sqliteMemory.open()
        let service = ApplicationService(store: store)
        let child = try await store.residents.create(Fixtures.resident("Lê Văn Bé", birth: "2010-01-01"), context: ChangeContext(actor: "t", reason: "t", at: Date()))
        await #expect(throws: ApplicationError.ineligible("Chưa đủ 14 tuổi (hiện 11 tuổi) theo luật áp dụng")) {
            try await service.create(try Self.intake(child.record.resident.pin!, date: "2021-07-23"), actor: "desk")
        }
        let adult = try await store.residents.create(Fixtures.resident(), context: ChangeContext(actor: "t", reason: "t", at: Date()))
        await #expect(throws: ApplicationError.rule(.reasonNotUnderLaw(reason: .unitReorganisation, law: .citizenIdentification2014))) {
            try await service.create(try Self.intake(adult.record.resident.pin!, kind: .renewal, reason: .unitReorganisation), actor: "desk")
        }
        await #expect(throws: ApplicationError.unknownResident("038090999999")) {
            try await service.create(try Self.intake(try PIN("038090999999")), actor: "desk")
        }
        await #expect(throws: ApplicationError.self) {
            try await service.create(try Self.intake(adult.record.resident.pin!, date: "2030-01-02"), actor: "desk")
        }
    }
}

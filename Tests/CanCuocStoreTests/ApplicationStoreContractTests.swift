import CanCuocCore
import CanCuocStore
import Foundation
import Synchronization
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
        await #expect(throws: ApplicationError.biometricsMissing(BiometricKind.required(law: .citizenIdentification2014, age: 31))) {
            try await service.advance(id: application.id, to: .transferred, actor: "desk")
        }
        try await Self.captureAll(store, application)
        _ = try await service.advance(id: application.id, to: .transferred, actor: "desk")
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for approver in ["a1", "a2", "a3"] {
                group.addTask {
                    (try? await store.applications.advance(id: application.id, from: .transferred, to: .approved, actor: approver, at: Date(), note: "", stageDue: nil)) != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        await #expect(throws: ApplicationError.stateChanged(expected: .transferred, actual: .approved)) {
            try await store.applications.advance(id: application.id, from: .transferred, to: .approved, actor: "late", at: Date(), note: "", stageDue: nil)
        }
        let shown = try #require(try await store.applications.application(id: application.id))
        #expect(shown.state == .approved && shown.events.map(\.to) == [.received, .transferred, .approved])
        #expect(shown.events.map(\.sequence) == [1, 2, 3])
        #expect(try await store.applications.application(id: 999_999) == nil)
    }

    /// Queues: by state and area, most overdue first, with counts per state; the public look-up by receipt code.
    @Test(arguments: Backend.allCases)
    func queuesByStateAreaAndOverdue(backend: Backend) async throws {
        // The desk works on 2021-07-23 (a Friday); the approval happens on Monday 26 July.
        let clock = MovingClock(try LocalDate(iso: "2021-07-23"))
        let store = try await backend.open()
        let service = ApplicationService(store: store, clock: clock.now)
        let other = try #require(AdminUnitCatalog.shared.communes(under: UnitRef(edition: .threeLevel, code: "38")).first { $0.code != Fixtures.commune.code }).reference
        var made: [ApplicationRecord] = []
        for (index, commune) in [Fixtures.commune, Fixtures.commune, other].enumerated() {
            let resident = try await store.residents.create(Fixtures.resident(["Lê Văn An", "Trần Thị Bình", "Phạm Văn Cường"][index], commune: commune), context: ChangeContext(actor: "t", reason: "t", at: Date()))
            made.append(try await service.create(try Self.intake(resident.record.resident.pin!), actor: "desk").record)
        }
        // Received on Friday: two working days to transfer, so due Tuesday 27 July.
        let july27 = try LocalDate(iso: "2021-07-27")
        #expect(made.allSatisfy { $0.stageDue == july27 && $0.commune != nil })
        clock.day = try LocalDate(iso: "2021-07-26")
        try await Self.captureAll(store, made[0])
        let moved = try await service.advance(id: made[0].id, to: .transferred, actor: "desk")
        // Three working days to approve from Monday: Thursday 29 July.
        #expect(moved.stageDue == (try LocalDate(iso: "2021-07-29")))

        let received = try await store.applications.queue(ApplicationQuery(states: [.received]))
        #expect(received.items.map(\.id) == [made[1].id, made[2].id] && !received.hasMore && received.items.allSatisfy(\.events.isEmpty))
        let open = try await store.applications.queue(ApplicationQuery())
        #expect(open.items.map(\.id) == [made[1].id, made[2].id, made[0].id])
        #expect(try await store.applications.counts(ApplicationQuery()) == [.received: 2, .transferred: 1])
        let firstPage = try await store.applications.queue(ApplicationQuery(perPage: 2))
        let secondPage = try await store.applications.queue(ApplicationQuery(page: 2, perPage: 2))
        #expect(firstPage.hasMore && firstPage.items.count == 2 && secondPage.items.map(\.id) == [made[0].id] && !secondPage.hasMore)
        // Area.
        let here = try await store.applications.queue(ApplicationQuery(communes: [Fixtures.commune]))
        #expect(Set(here.items.map(\.id)) == [made[0].id, made[1].id])
        #expect(try await store.applications.queue(ApplicationQuery(provinceCodes: ["01"])).items.isEmpty)
        #expect(try await store.applications.queue(ApplicationQuery(communes: [])).items.isEmpty)
        #expect(try await store.applications.counts(ApplicationQuery(communes: [other])) == [.received: 1])
        // Overdue: on 27 July nothing is late yet; on 28 July the two received ones are.
        #expect(try await store.applications.queue(ApplicationQuery(overdueOn: try LocalDate(iso: "2021-07-27"))).items.isEmpty)
        let late = try await store.applications.queue(ApplicationQuery(overdueOn: try LocalDate(iso: "2021-07-28")))
        #expect(late.items.map(\.id) == [made[1].id, made[2].id])
        let (july28, july29) = (try LocalDate(iso: "2021-07-28"), try LocalDate(iso: "2021-07-29"))
        #expect(late.items.allSatisfy { $0.isOverdue(on: july28) } && !moved.isOverdue(on: july29))
        // Final states leave the open queues; the public look-up finds any by receipt code.
        _ = try await service.advance(id: made[2].id, to: .refused, actor: "desk", note: "không đủ điều kiện")
        #expect(try await store.applications.counts(ApplicationQuery()) == [.received: 1, .transferred: 1])
        #expect(try await store.applications.queue(ApplicationQuery(states: [.refused])).items.map(\.stageDue) == [nil])
        #expect(try await store.applications.application(receiptCode: made[2].receiptCode)?.state == .refused)
        #expect(try await store.applications.application(receiptCode: "38-XXXX-XXXX-XX") == nil)
    }

    /// Every biometric the application needs, as stand-in bytes (the image rules are checked above the store).
    static func captureAll(_ store: any RegisterStore, _ application: ApplicationRecord, keys: KeyRing = KeyRing.generate()) async throws {
        let service = ApplicationService(store: store)
        let capture = BiometricService(store: store, keys: keys)
        for kind in try await service.missingBiometrics(of: application) {
            try await capture.capture(.init(kind: kind, format: "jpeg", width: 300, height: 400, bytes: Array("image of \(kind.rawValue)".utf8)),
                                      applicationID: application.id, actor: "desk")
        }
    }

    @Test(arguments: Backend.allCases)
    func biometricsAreSealedRequiredAndFrozenAfterTheDesk(backend: Backend) async throws {
        let store = try await backend.open()
        let keys = KeyRing.generate()
        let service = ApplicationService(store: store)
        let capture = BiometricService(store: store, keys: keys)
        let created = try await store.residents.create(Fixtures.resident(), context: ChangeContext(actor: "t", reason: "t", at: Date()))
        // 2021 (2014 law): face, ten fingers, and the signature from 14.
        let (application, _) = try await service.create(try Self.intake(created.record.resident.pin!), actor: "desk")
        #expect(try await service.missingBiometrics(of: application) == [.face] + BiometricKind.fingers + [.signature])
        try await capture.capture(.init(kind: .face, format: "jpeg", width: 240, height: 320, bytes: [0xFF, 0xD8, 1, 2, 3]), applicationID: application.id, actor: "desk")
        try await capture.declareUnavailable(.finger05, reason: "cụt ngón út phải", applicationID: application.id, actor: "desk")
        await #expect(throws: ApplicationError.self) { try await capture.declareUnavailable(.face, reason: "không chụp", applicationID: application.id, actor: "desk") }
        await #expect(throws: ApplicationError.self) { try await capture.declareUnavailable(.finger04, reason: "  ", applicationID: application.id, actor: "desk") }
        let stored = try await store.applications.biometrics(applicationID: application.id)
        #expect(Set(stored.map(\.kind)) == [.face, .finger05])
        // Sealed: the database holds no image bytes in the clear, and the key opens them.
        let face = try #require(stored.first { $0.kind == .face })
        #expect(!face.sealed.contains(Data([0xFF, 0xD8, 1, 2, 3])) && face.byteCount == 5 && face.capturedBy == "desk")
        #expect(try await capture.face(applicationID: application.id) == [0xFF, 0xD8, 1, 2, 3])
        #expect(stored.first { $0.kind == .finger05 }?.isUnavailable == true)
        try await Self.captureAll(store, application, keys: keys)
        #expect(try await service.missingBiometrics(of: application).isEmpty)
        _ = try await service.advance(id: application.id, to: .transferred, actor: "desk")
        // Once it has left the desk, nothing more is captured.
        await #expect(throws: ApplicationError.stateChanged(expected: .received, actual: .transferred)) {
            try await capture.capture(.init(kind: .face, format: "jpeg", width: 240, height: 320, bytes: [9]), applicationID: application.id, actor: "desk")
        }
        // Key rotation re-seals them.
        let rotated = keys.rotated()
        let count = try await KeyRotation(store: store, keys: rotated).resealAll()
        #expect(count >= 12)
        let after = try await store.applications.biometrics(applicationID: application.id)
        #expect(after.allSatisfy { KeyRing.keyID(of: $0.sealed) == rotated.activeID })
        #expect(try await BiometricService(store: store, keys: rotated).face(applicationID: application.id) == [0xFF, 0xD8, 1, 2, 3])
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

/// A clock the test moves from day to day (noon, Viet Nam time).
final class MovingClock: Sendable {
    private let current: Mutex<LocalDate>

    init(_ day: LocalDate) { current = Mutex(day) }

    var day: LocalDate {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }

    var now: @Sendable () -> Date { { [self] in day.endInstant.addingTimeInterval(-12 * 3600) } }
}

import CanCuocCore
import CanCuocStore
import Foundation
import Testing

/// Production batches keep their counts and their applications' states alike on every backend.
@Suite struct BatchStoreContractTests {
    /// `count` residents with an approved application each.
    static func approved(_ store: any RegisterStore, count: Int) async throws -> [ApplicationRecord] {
        let service = ApplicationService(store: store)
        let names = ["Lê Văn An", "Trần Thị Bình", "Phạm Văn Cường", "Hoàng Thị Dung", "Vũ Văn Em", "Đặng Thị Gấm"]
        var made: [ApplicationRecord] = []
        for index in 0..<count {
            let resident = try await store.residents.create(Fixtures.resident(names[index % names.count], birth: "19\(70 + index)-03-04"),
                                                            context: ChangeContext(actor: "t", reason: "t", at: Date()))
            let (application, _) = try await service.create(try ApplicationStoreContractTests.intake(resident.record.resident.pin!), actor: "desk")
            try await ApplicationStoreContractTests.captureAll(store, application)
            _ = try await service.advance(id: application.id, to: .transferred, actor: "desk")
            made.append(try await service.advance(id: application.id, to: .approved, actor: "approver"))
        }
        return made
    }

    static func card(for application: ApplicationRecord) throws -> StoredCard {
        StoredCard(provinceCode: application.provinceCode, residentID: application.residentID, pin: application.pin, issuedOn: try LocalDate(iso: "2021-08-02"),
                   expiresOn: nil, law: "2014", signerSerial: "01", createdAt: Date(), record: "{}",
                   files: ["EF.COM": Data([0x60]), "DG1": Data([0x61]), "DG13": Data([0x6D]), "EF.SOD": Data([0x77, UInt8(application.id % 200)])],
                   sealedFace: nil, applicationID: application.id)
    }

    @Test(arguments: Backend.allCases)
    func productionInputsReadAGroupInItsOrder(backend: Backend) async throws {
        let store = try await backend.open()
        let applications = try await Self.approved(store, count: 3)
        // One resident's PIN is re-established (birth year corrected): the card names the cancelled PIN.
        let moved = applications[1]
        let before = try #require(try await store.residents.resident(id: moved.residentID))
        let corrected = try PartialDate(iso: "1965-03-04")
        let after = try await RegisterService(store: store).reestablishPIN(id: moved.residentID, sex: nil, birthDate: corrected, birthRegistrationProvince: nil,
                                                                          expectedVersion: nil, actor: "t", reason: "sửa năm sinh")
        #expect(after.resident.pin != before.resident.pin)

        let inputs = try await store.batches.productionInputs(applicationIDs: [applications[2].id, 987_654, applications[0].id, moved.id])
        #expect(inputs.map(\.applicationID) == [applications[2].id, 987_654, applications[0].id, moved.id])
        #expect(inputs[1].application == nil && inputs[1].resident == nil && inputs[1].face == nil)
        for (input, application) in [(inputs[0], applications[2]), (inputs[2], applications[0]), (inputs[3], moved)] {
            #expect(input.application?.receiptCode == application.receiptCode && input.application?.state == .approved)
            #expect(input.resident?.id == application.residentID)
            let face = try await store.applications.biometric(applicationID: application.id, kind: .face)
            #expect(input.face?.kind == .face && input.face?.sealed == face?.sealed)
        }
        #expect(inputs[0].cancelledPIN == nil && inputs[2].cancelledPIN == nil)
        #expect(inputs[3].resident?.pin == after.resident.pin && inputs[3].cancelledPIN == before.resident.pin)
        // The same PIN the record's history names.
        let history = try await store.residents.history(id: moved.residentID)
        #expect(inputs[3].cancelledPIN == history.cancelledPIN)
    }

    @Test(arguments: Backend.allCases)
    func batchesCountEveryCardOnce(backend: Backend) async throws {
        let store = try await backend.open()
        let service = ApplicationService(store: store)
        let applications = try await Self.approved(store, count: 5)
        await #expect(throws: BatchError.badSize(0)) { try await service.createBatch(provinceCodes: ["38"], size: 0, actor: "pc06") }
        let first = try await service.createBatch(provinceCodes: ["38"], size: 3, actor: "pc06")
        #expect(first.state == .open && first.pending == 3 && first.size == 3)
        let second = try await service.createBatch(provinceCodes: ["38"], size: 10, actor: "pc06")
        #expect(second.pending == 2)
        await #expect(throws: BatchError.nothingToProduce) { try await service.createBatch(provinceCodes: ["38"], size: 10, actor: "pc06") }
        await #expect(throws: BatchError.nothingToProduce) { try await service.createBatch(provinceCodes: ["01"], size: 10, actor: "pc06") }

        let items = try await store.batches.items(batchID: first.id)
        let inFirst = applications.filter { app in items.contains { $0.applicationID == app.id } }
        #expect(inFirst.count == 3)
        // One is cancelled meanwhile: its item fails, the other two are personalised with their cards.
        _ = try await service.advance(id: inFirst[2].id, to: .cancelled, actor: "approver", note: "công dân rút hồ sơ")
        try await store.batches.complete(batchID: first.id, cards: try inFirst.prefix(2).map(Self.card) + [try Self.card(for: inFirst[2])], actor: "pc06", at: Date(), stageDue: nil)
        // Completing again (a resumed run) counts nothing twice.
        try await store.batches.complete(batchID: first.id, cards: try inFirst.map(Self.card), actor: "pc06", at: Date(), stageDue: nil)
        let done = try #require(try await store.batches.batch(id: first.id))
        #expect(done.state == .personalised && done.done == 2 && done.failed == 1 && done.pending == 0)
        for app in inFirst.prefix(2) {
            #expect(try await store.applications.application(id: app.id)?.state == .personalised)
            let cards = try await store.cards.cards(residentID: app.residentID)
            #expect(cards.count == 1 && cards[0].applicationID == app.id && cards[0].status == .valid)
        }
        #expect(try await store.cards.cards(residentID: inFirst[2].residentID).isEmpty)
        #expect(try await store.batches.items(batchID: first.id).first { $0.applicationID == inFirst[2].id }?.problem.contains("cancelled") == true)

        // Printed needs the export first; then the batch's applications move together.
        await #expect(throws: BatchError.wrongState(expected: .exported, actual: .personalised)) { try await service.markPrinted(batchID: first.id, actor: "pc06") }
        try await store.batches.setState(batchID: first.id, from: .personalised, to: .exported, exportedTo: "/tmp/batch", at: Date())
        #expect(try await service.markPrinted(batchID: first.id, actor: "pc06") == 2)
        #expect(try await service.markDispatched(batchID: first.id, actor: "pc06") == 2)
        let dispatched = try #require(try await store.applications.application(id: inFirst[0].id))
        #expect(dispatched.state == .dispatched && dispatched.events.map(\.to).suffix(3) == [.personalised, .printed, .dispatched])
        #expect(try await store.batches.batch(id: first.id)?.exportedTo == "/tmp/batch")
        // A failed item frees its application for a later batch only if it is still approved; a failed
        // personalisation (no face) does.
        try await store.batches.fail(batchID: second.id, applicationID: try #require(try await store.batches.items(batchID: second.id).first).applicationID, problem: "no face")
        let third = try await service.createBatch(provinceCodes: ["38"], size: 10, actor: "pc06")
        #expect(third.pending == 1)
        #expect(try await store.batches.batches(provinceCodes: ["38"], limit: 10).map(\.id) == [third.id, second.id, first.id])
    }
}

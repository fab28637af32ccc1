import CanCuocCore
import CanCuocStore
import Foundation
import Testing

/// Personalised cards are kept alike on every backend.
@Suite struct CardStoreContractTests {
    @Test(arguments: Backend.allCases)
    func cardsRoundTrip(backend: Backend) async throws {
        let store = try await backend.open()
        let resident = Resident(provinceCode: "38", fullName: "Lê Thị Hoa", birthDate: try PartialDate(iso: "1990-05-01"), sex: .female,
                                permanentResidence: Address(unit: UnitRef(edition: .threeLevel, code: "14971"), street: "Thôn 1"))
        let created = try await store.residents.create(resident, context: ChangeContext(actor: "test", reason: "card test", at: Date()))
        let id = created.record.resident.id
        let card = StoredCard(provinceCode: "38", residentID: id, pin: created.record.resident.pin!.digits,
                              issuedOn: try LocalDate(iso: "2021-07-24"), expiresOn: try LocalDate(iso: "2030-05-01"), law: "2014",
                              signerSerial: "0a0b", createdAt: Date(timeIntervalSince1970: 1_700_000_000.5), record: "{\"x\":1}",
                              files: ["EF.COM": Data([0x60, 1]), "DG1": Data([0x61]), "DG2": Data([0x75, 0]), "DG13": Data([0x6D]), "EF.SOD": Data([0x77])],
                              sealedFace: Data([9, 9, 9]))
        let saved = try await store.cards.save(card)
        #expect(saved.id > 0)
        var second = card
        second.issuedOn = try LocalDate(iso: "2024-09-02")
        second.expiresOn = nil
        second.files["DG2"] = nil
        second.sealedFace = nil
        let newer = try await store.cards.save(second)
        // At most one valid card: the newer one supersedes the first.
        let superseded = try #require(try await store.cards.card(id: saved.id))
        #expect(superseded.status == .superseded && superseded.statusChangedAt != nil && saved.status == .valid && newer.status == .valid)
        var expected = saved
        expected.status = .superseded
        expected.statusNote = superseded.statusNote
        expected.statusChangedAt = superseded.statusChangedAt
        #expect(superseded == expected)
        #expect(try await store.cards.cards(residentID: id) == [newer, superseded])
        // Reported lost; then it cannot be revoked (only a valid card changes status).
        let lost = try await store.cards.setStatus(cardID: newer.id, to: .lost, note: "mất khi đi chợ", at: Date())
        #expect(lost.status == .lost && lost.statusNote == "mất khi đi chợ")
        await #expect(throws: CardStatusError.notValid(.lost)) { try await store.cards.setStatus(cardID: newer.id, to: .revoked, note: "", at: Date()) }
        await #expect(throws: CardStatusError.notAllowed(.valid)) { try await store.cards.setStatus(cardID: saved.id, to: .valid, note: "", at: Date()) }
        await #expect(throws: StoreError.notFound) { try await store.cards.setStatus(cardID: 999_999, to: .lost, note: "", at: Date()) }
        #expect(try await store.cards.card(id: 999_999) == nil)
        #expect(try await store.cards.sealedFaces(after: 0, limit: 10) == [SealedFace(cardID: saved.id, pin: saved.pin, sealed: Data([9, 9, 9]))])
        try await store.cards.replaceSealedFace(cardID: saved.id, sealed: Data([7]))
        #expect(try await store.cards.card(id: saved.id)?.sealedFace == Data([7]))
        let (far, dayAfter, lastDay) = (try LocalDate(iso: "2099-01-01"), try LocalDate(iso: "2030-05-02"), try LocalDate(iso: "2030-05-01"))
        #expect(newer.isInForce(on: far) && saved.isExpired(on: dayAfter) && !saved.isExpired(on: lastDay))
        #expect(try await store.cards.sealedFaces(after: saved.id, limit: 10).isEmpty)
        await #expect(throws: StoreError.notFound) { try await store.cards.replaceSealedFace(cardID: 999_999, sealed: Data([1])) }
        var orphan = card
        orphan.residentID = 999_999
        await #expect(throws: StoreError.notFound) { try await store.cards.save(orphan) }
    }
}

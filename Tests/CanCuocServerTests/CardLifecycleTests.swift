import CanCuocChip
import CanCuocCore
import CanCuocServer
import CanCuocStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A card's life after production: a newer card supersedes it, it can be reported lost or revoked; the old
/// 9-digit ID number is confirmed against the PIN.
@Suite struct CardLifecycleTests {
    @Test func lostRevokedAndTheOldIDConfirmation() async throws {
        let pki = PKIDirectory(url: FileManager.default.temporaryDirectory.appendingPathComponent("life-\(UUID().uuidString)"))
        defer { try? FileManager.default.removeItem(at: pki.url) }
        try pki.initialise(passphrase: "lifecycle passphrase", iterations: 1_000)
        let signer = try pki.signer(passphrase: "lifecycle passphrase")
        let keys = KeyRing.generate()
        try await TestApp.run(keys: keys) { pc06, store in
            let holder = try #require(try await TestApp.cardHolders(store).first { $0.oldIdNumber != nil })
            func issue() async throws -> StoredCard {
                let card = try PersonalisedCard(data: try CardData(resident: holder, issuedOn: LocalDate(Date())), faceJPEG: CardPageTests.face, signer: signer)
                return try await store.cards.save(try StoredCard(card, residentID: holder.id, provinceCode: "38", face: CardPageTests.face, keys: keys))
            }
            let first = try await issue()
            let second = try await issue()
            #expect(try await store.cards.card(id: first.id)?.status == .superseded)
            let noNote = try await ApplicationsAPITests.send(pc06, .post, "/api/v1/cards/\(second.id)/status", ["status": "lost", "note": " "])
            #expect(noNote.code == "note_required")
            #expect(try await ApplicationsAPITests.send(pc06, .post, "/api/v1/cards/\(second.id)/status", ["status": "valid", "note": "x"]).code == "bad_status")
            let lost = try await ApplicationsAPITests.send(pc06, .post, "/api/v1/cards/\(second.id)/status", ["status": "lost", "note": "mất ví ngày 20/11"])
            #expect(lost.status == .ok && lost.json["status"] as? String == "lost")
            let again = try await ApplicationsAPITests.send(pc06, .post, "/api/v1/cards/\(first.id)/status", ["status": "revoked", "note": "thẻ cũ"])
            #expect(again.status == .conflict && again.code == "card_not_valid")
            #expect(try await ApplicationsAPITests.send(pc06, .post, "/api/v1/cards/999999/status", ["status": "lost", "note": "x"]).status == .notFound)
            let actions = try await store.audit.entries(target: "resident:\(holder.id)", limit: 20).map(\.draft.action)
            #expect(actions.contains("card.lost"))
            // The card page shows the status.
            try await pc06.execute(uri: Routes.card(holder.id, second.id), method: .get) { response in
                #expect(String(buffer: response.body).contains("Báo mất"))
            }

            let confirmation = try await ApplicationsAPITests.send(pc06, .get, "/api/v1/residents/\(holder.id)/old-id-confirmation")
            #expect(confirmation.status == .ok && confirmation.json["old_id_number"] as? String == holder.oldIdNumber)
            #expect(confirmation.json["pin"] as? String == holder.pin?.digits && confirmation.json["card_number"] == nil)
            try await pc06.execute(uri: "/residents/\(holder.id)/old-id-confirmation", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("GIẤY XÁC NHẬN SỐ CHỨNG MINH NHÂN DÂN") && html.contains(holder.oldIdNumber!))
            }
            let without = try #require(try await TestApp.cardHolders(store).first { $0.oldIdNumber == nil })
            #expect(try await ApplicationsAPITests.send(pc06, .get, "/api/v1/residents/\(without.id)/old-id-confirmation").code == "no_old_id")
        }
    }
}

import CanCuocChip
import CanCuocCore
import CanCuocServer
import CanCuocStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The console's card page: front and back, the photo from its sealed copy, passive authentication.
@Suite struct CardPageTests {
    static let face = [UInt8](Data(base64Encoded: "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAUDBAQEAwUEBAQFBQUGBwwIBwcHBw8LCwkMEQ8SEhEPERETFhwXExQaFRERGCEYGh0dHx8fExciJCIeJBweHx7/2wBDAQUFBQcGBw4ICA4eFBEUHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh7/wAARCAFAAPADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwD16iiivHPbCiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooA//9k=")!)

    @Test func aStoredCardIsShownAndItsChipChecked() async throws {
        let pki = PKIDirectory(url: FileManager.default.temporaryDirectory.appendingPathComponent("cards-\(UUID().uuidString)"))
        defer { try? FileManager.default.removeItem(at: pki.url) }
        let passphrase = "server test passphrase"
        try pki.initialise(passphrase: passphrase, iterations: 1_000)
        let signer = try pki.signer(passphrase: passphrase)
        let keys = KeyRing.generate()
        try await TestApp.run(trusted: try TrustedCSCAs(pkiDirectory: pki.url), keys: keys) { client, store in
            let adults = try await TestApp.cardHolders(store)
            let holder = try #require(adults.first)
            let data = try CardData(resident: holder, issuedOn: LocalDate(Date()))
            let card = try PersonalisedCard(data: data, faceJPEG: Self.face, signer: signer)
            let stored = try await store.cards.save(try StoredCard(card, residentID: holder.id, provinceCode: "38", face: Self.face, keys: keys))
            var tampered = try StoredCard(card, residentID: holder.id, provinceCode: "38", face: Self.face, keys: keys)
            tampered.files["DG13"]![30] ^= 1
            let bad = try await store.cards.save(tampered)

            try await client.execute(uri: "/residents/\(holder.id)", method: .get) { response in
                #expect(String(buffer: response.body).contains(Routes.card(holder.id, stored.id)))
            }
            try await client.execute(uri: Routes.card(holder.id, stored.id), method: .get) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("id=\"card-number\">\(holder.pin!.digits)<"))
                #expect(html.contains(card.mrz.lines[0].replacingOccurrences(of: "<", with: "&lt;")))
                #expect(html.contains("Xác thực thụ động: đạt"))
                #expect(html.contains("<svg"))
                #expect(html.contains(Routes.cardPhoto(holder.id, stored.id)))
            }
            try await client.execute(uri: Routes.card(holder.id, bad.id), method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("Xác thực thụ động: KHÔNG ĐẠT"))
                #expect(html.contains("DG13 hash"))
            }
            try await client.execute(uri: Routes.cardPhoto(holder.id, stored.id), method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/jpeg")
                #expect(Array(buffer: response.body) == Self.face)
            }
            // The card of one resident is not reachable under another's id.
            let other = try #require(adults.dropFirst().first)
            try await client.execute(uri: Routes.card(other.id, stored.id), method: .get) { response in
                #expect(response.status == .notFound)
            }
            let entries = try await store.audit.entries(target: "resident:\(holder.id)", limit: 20).map(\.draft.action)
            #expect(entries.contains("card.view") && entries.contains("card.photo"))
        }
    }
}

import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `/api/v1/residents/{id}/card-preview`: what a card issued on a day would carry.
@Suite struct CardPreviewTests {
    @Test func previewOfAnAdultAndAChild() async throws {
        try await TestApp.run { client, store in
            var residents: [Resident] = []
            try await store.bulk.forEachResident(pageSize: 500) { residents += $0 }
            let adults = residents.filter { (r: Resident) -> Bool in
                r.birthDate.year < 1990 && r.deathDate == nil && r.pin != nil && r.permanentResidence != nil
            }
            let children = residents.filter { (r: Resident) -> Bool in r.birthDate.year > 2012 && r.pin != nil }
            let adult = try #require(adults.first)
            let child = try #require(children.first)
            try await client.execute(uri: "/api/v1/residents/\(adult.id)/card-preview?issued=2021-07-24", method: .get) { response in
                #expect(response.status == .ok)
                let json = APITests.json(response)
                #expect(json["law"] as? String == "2014")
                #expect(json["eligible"] as? Bool == true)
                #expect(json["biometrics"] as? [String] == ["face", "fingerprints"])
                let expected = CardValidity.expiry(birthDate: adult.birthDate, issuedOn: try LocalDate(iso: "2021-07-24"))
                #expect((json["card"] as? [String: Any])?["expires_on"] as? String == expected?.description)
                let mrz = try #require(json["mrz"] as? [String])
                #expect(try TD1MRZ(lines: mrz).pinDigits == adult.pin?.digits)
                #expect((json["qr_text"] as? String)?.hasPrefix(adult.pin!.digits + "|") == true)
            }
            try await client.execute(uri: "/api/v1/residents/\(child.id)/card-preview?issued=2021-07-24", method: .get) { response in
                let json = APITests.json(response)
                #expect(json["eligible"] as? Bool == false)
                #expect((json["refusal"] as? String)?.contains("Chưa đủ 14 tuổi") == true)
                #expect(json["mrz"] == nil)
            }
            try await client.execute(uri: "/api/v1/residents/\(child.id)/card-preview/qr.svg?issued=2021-07-24", method: .get) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/residents/\(adult.id)/card-preview/qr.svg?issued=2025-07-24", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/svg+xml")
                #expect(String(buffer: response.body).contains("<path d=\"M4 4h7v1h-7z"))
            }
            try await client.execute(uri: "/api/v1/residents/\(adult.id)/card-preview?issued=2021-02-30", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/residents/999999/card-preview", method: .get) { response in
                #expect(response.status == .notFound)
            }
            // The look is in the audit trail.
            let entries = try await store.audit.entries(target: "resident:\(adult.id)", limit: 10)
            #expect(entries.contains { $0.draft.action == "card.preview" })
        }
    }
}


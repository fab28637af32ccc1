import CanCuocChip
import CanCuocCore
import CanCuocServer
import CanCuocStore
import Foundation
import Testing

/// A production batch for real: cards signed under a test CSCA from the faces captured at intake, exported
/// for the printer, every chip passing passive authentication; an interrupted run resumes without counting twice.
@Suite struct BatchProducerTests {
    @Test func personaliseExportAndResume() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("batch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let pki = PKIDirectory(url: folder.appendingPathComponent("pki"))
        try pki.initialise(passphrase: "batch test passphrase", iterations: 1_000)
        let signer = try pki.signer(passphrase: "batch test passphrase")
        let keys = KeyRing.generate()
        try await TestApp.run(keys: keys) { pc06, store in
            let approver = pc06.as(try await TestAccounts(store: store, keys: keys).token("duyet", role: .approver, unit: "38"))
            let taken = try await ApplicationsAPITests.applicants(pc06, store, count: 6)
            for (_, reply) in taken {
                let id = ApplicationsAPITests.id(reply)
                try await ApplicationsAPITests.captureAll(pc06, id)
                #expect(try await ApplicationsAPITests.move(pc06, id, to: "transferred").status == .ok)
                #expect(try await ApplicationsAPITests.move(approver, id, to: "approved").status == .ok)
            }
            let service = ApplicationService(store: store)
            let batch = try await service.createBatch(provinceCodes: ["38"], size: 100, actor: "pc06")
            #expect(batch.pending == 6)
            let items = try await store.batches.items(batchID: batch.id)

            // As if an earlier run had committed one group of two and died.
            var producer = BatchProducer(store: store, keys: keys, signer: signer)
            producer.groupSize = 2
            var firstTwo: [StoredCard] = []
            for item in items.prefix(2) { firstTwo.append(try await producer.card(for: item.applicationID, issuedOn: LocalDate(Date())).get().stored) }
            try await store.batches.complete(batchID: batch.id, cards: firstTwo, actor: "pc06", at: Date(), stageDue: nil)
            // A cancelled application fails its item on the resumed run.
            _ = try await service.advance(id: items[5].applicationID, to: .cancelled, actor: "duyet", note: "rút hồ sơ")
            let outcome = try await producer.personalise(batchID: batch.id, actor: "pc06")
            #expect(outcome.personalised == 3 && outcome.failed == 1)
            let after = try #require(try await store.batches.batch(id: batch.id))
            #expect(after.state == .personalised && after.done == 5 && after.failed == 1)
            await #expect(throws: BatchError.wrongState(expected: .open, actual: .personalised)) { try await producer.personalise(batchID: batch.id, actor: "pc06") }

            // A half-written export left behind is replaced.
            let out = folder.appendingPathComponent("out")
            try FileManager.default.createDirectory(at: out.appendingPathComponent(".batch-\(batch.id).partial/junk"), withIntermediateDirectories: true)
            let exported = try await producer.export(batchID: batch.id, to: out)
            let lines = try String(contentsOf: exported.appendingPathComponent("manifest.jsonl"), encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 5)
            #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent(".batch-\(batch.id).partial").path))
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: exported.appendingPathComponent("batch.json"))) as? [String: Any])
            #expect(summary["cards"] as? Int == 5 && summary["failed"] as? Int == 1)
            let authenticator = PassiveAuthenticator(trusted: TrustedCSCAs(try pki.cscaCertificates()))
            var cardNumbers: Set<String> = []
            for line in lines {
                let entry = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let cardFolder = exported.appendingPathComponent(entry["folder"] as? String ?? "")
                let result = await authenticator.verify(files: try PersonalisedCard.readChipFiles(from: cardFolder))
                #expect(result.passed, "\(result.checks)")
                cardNumbers.insert(entry["card_number"] as? String ?? "")
                // The face on the chip is the one captured at intake.
                let dg2 = try Data(contentsOf: cardFolder.appendingPathComponent("DG2.bin"))
                #expect(dg2.range(of: Data(CardPageTests.face)) != nil)
            }
            #expect(cardNumbers.count == 5)
            #expect(try await store.batches.batch(id: batch.id)?.state == .exported)
            // Each applicant has one card, valid, linked to the application.
            for item in try await store.batches.items(batchID: batch.id) where item.state == .done {
                let application = try #require(try await store.applications.application(id: item.applicationID))
                let cards = try await store.cards.cards(residentID: application.residentID)
                #expect(cards.count == 1 && cards[0].applicationID == application.id && application.state == .personalised)
                // The register keeps the face sealed only: no DG2 in the clear; it is rebuilt to the bytes EF.SOD signed.
                #expect(cards[0].files["DG2"] == nil && cards[0].sealedFace != nil)
                let rebuilt = try cards[0].chipFiles(keys: keys)
                #expect(rebuilt[.dg2].map { Data($0).range(of: Data(CardPageTests.face)) != nil } == true)
                #expect(await authenticator.verify(files: rebuilt).passed)
            }
            #expect(try await service.markPrinted(batchID: batch.id, actor: "pc06") == 5)
        }
    }

    @Test func batchesThroughTheAPIToHandOver() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("batch-api-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let pki = PKIDirectory(url: folder.appendingPathComponent("pki"))
        try pki.initialise(passphrase: "batch test passphrase", iterations: 1_000)
        let production = BatchProduction(pki: pki, passphrase: "batch test passphrase", exportFolder: folder.appendingPathComponent("out"))
        let keys = KeyRing.generate()
        try await TestApp.run(trusted: TrustedCSCAs(try pki.cscaCertificates()), keys: keys, production: production) { pc06, store in
            let accounts = TestAccounts(store: store, keys: keys)
            let approver = pc06.as(try await accounts.token("duyet", role: .approver, unit: "38"))
            #expect(try await ApplicationsAPITests.send(pc06, .post, "/api/v1/batches", ["size": 10]).code == "nothing_to_produce")
            let taken = try await ApplicationsAPITests.applicants(pc06, store, count: 3)
            for (_, reply) in taken {
                let id = ApplicationsAPITests.id(reply)
                try await ApplicationsAPITests.captureAll(pc06, id)
                _ = try await ApplicationsAPITests.move(pc06, id, to: "transferred")
                _ = try await ApplicationsAPITests.move(approver, id, to: "approved")
            }
            #expect(try await ApplicationsAPITests.send(approver, .post, "/api/v1/batches", ["size": 10]).status == .forbidden)
            #expect(try await ApplicationsAPITests.send(pc06, .post, "/api/v1/batches", ["size": 0]).code == "bad_size")
            let created = try await ApplicationsAPITests.send(pc06, .post, "/api/v1/batches", ["size": 10])
            let id = ApplicationsAPITests.id(created)
            #expect(created.status == .created && created.json["pending"] as? Int == 3)
            #expect(try await ApplicationsAPITests.send(pc06, .post, "/api/v1/batches/\(id)/printed").code == "wrong_batch_state")
            let run = try await ApplicationsAPITests.send(pc06, .post, "/api/v1/batches/\(id)/run")
            #expect(run.status == .ok && run.json["state"] as? String == "exported" && run.json["done"] as? Int == 3)
            #expect(try await ApplicationsAPITests.send(pc06, .post, "/api/v1/batches/\(id)/printed").json["state"] as? String == "printed")
            #expect(try await ApplicationsAPITests.send(pc06, .post, "/api/v1/batches/\(id)/dispatched").json["state"] as? String == "dispatched")
            // The citizen collects the card at the desk; the public status said "ready" before.
            let (holder, reply) = taken[0]
            let status = try await ApplicationsAPITests.send(pc06.as(nil), .post, "/api/v1/status",
                                                             ["receipt_code": reply.json["receipt_code"] as? String ?? "", "birth_date": holder.birthDate.description])
            #expect(status.json["stage"] as? String == "ready" && (status.json["place"] as? String)?.isEmpty == false)
            let handed = try await ApplicationsAPITests.move(pc06, ApplicationsAPITests.id(reply), to: "handed-over")
            #expect(handed.status == .ok && handed.json["state"] as? String == "handed-over")
            let cards = try await store.cards.cards(residentID: holder.id)
            #expect(cards.count == 1 && cards[0].status == .valid)
        }
        // A server without the signing key says where batches are run.
        try await TestApp.run { pc06, store in
            let approver = pc06.as(try await TestAccounts(store: store, keys: KeyRing.generate()).token("duyet", role: .approver, unit: "38"))
            let (_, reply) = try #require(try await ApplicationsAPITests.applicants(pc06, store, count: 1).first)
            let id = ApplicationsAPITests.id(reply)
            try await ApplicationsAPITests.captureAll(pc06, id)
            _ = try await ApplicationsAPITests.move(pc06, id, to: "transferred")
            _ = try await ApplicationsAPITests.move(approver, id, to: "approved")
            let batch = ApplicationsAPITests.id(try await ApplicationsAPITests.send(pc06, .post, "/api/v1/batches", ["size": 10]))
            let refused = try await ApplicationsAPITests.send(pc06, .post, "/api/v1/batches/\(batch)/run")
            #expect(refused.code == "no_signer" && refused.message.contains("cancuoc batches run"))
        }
    }
}

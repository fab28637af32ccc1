import CanCuocChip
import CanCuocCore
import CanCuocServer
import CanCuocStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Card applications through the API: intake, the pipeline by role, queues, bulk approval, the public look-up.
@Suite struct ApplicationsAPITests {
    struct Reply {
        let status: HTTPResponse.Status
        let json: [String: Any]
        var code: String? { (json["error"] as? [String: Any])?["code"] as? String }
        var message: String { (json["error"] as? [String: Any])?["message"] as? String ?? "" }
    }

    static func send(_ client: AuthedClient, _ method: HTTPRequest.Method, _ uri: String, _ body: [String: Any]? = nil) async throws -> Reply {
        try await client.execute(uri: uri, method: method, headers: APITests.jsonHeaders, body: try body.map(APITests.body)) { response in
            Reply(status: response.status, json: APITests.json(response))
        }
    }

    static func move(_ client: AuthedClient, _ id: Int64, to state: String, expected: String? = nil) async throws -> Reply {
        var body: [String: Any] = ["to": state, "note": "bước \(state)"]
        if let expected { body["expected"] = expected }
        return try await send(client, .post, "/api/v1/applications/\(id)/moves", body)
    }

    /// The seeded card holders whose records are complete enough to apply (the others need a correction first).
    static func applicants(_ client: AuthedClient, _ store: any RegisterStore, count: Int) async throws -> [(Resident, Reply)] {
        var taken: [(Resident, Reply)] = []
        for holder in try await TestApp.cardHolders(store) where taken.count < count {
            let reply = try await send(client, .post, "/api/v1/applications", ["pin": holder.pin!.digits, "kind": "first", "request_id": "form-\(holder.id)"])
            if reply.status == .created { taken.append((holder, reply)) } else { #expect(reply.code == "record_needs_correction", "\(reply.json)") }
        }
        return taken
    }

    static func id(_ reply: Reply) -> Int64 { (reply.json["id"] as? NSNumber)?.int64Value ?? -1 }

    /// A real PNG (a QR code drawn large) for fingerprints, irises and signatures.
    static let png: [UInt8] = try! QRCodeImage(text: "vân tay").png(scale: 14)

    static func put(_ client: AuthedClient, _ id: Int64, _ kind: String, _ bytes: [UInt8], type: String) async throws -> Reply {
        try await client.execute(uri: "/api/v1/applications/\(id)/biometrics/\(kind)", method: .put, headers: [.contentType: type],
                                 body: ByteBuffer(bytes: bytes)) { Reply(status: $0.status, json: APITests.json($0)) }
    }

    /// Captures what the application still needs, through the API.
    static func captureAll(_ client: AuthedClient, _ id: Int64) async throws {
        let status = try await send(client, .get, "/api/v1/applications/\(id)/biometrics")
        for kind in status.json["missing"] as? [String] ?? [] {
            let reply = kind == "face" ? try await put(client, id, kind, CardPageTests.face, type: "image/jpeg") : try await put(client, id, kind, png, type: "image/png")
            #expect(reply.status == .ok, "\(kind): \(reply.json)")
        }
    }

    @Test func intakeToHandOverByRole() async throws {
        try await TestApp.run { pc06, store in
            let keys = KeyRing.generate()
            let accounts = TestAccounts(store: store, keys: keys)
            let approver = pc06.as(try await accounts.token("duyet", role: .approver, unit: "38"))
            let leader = pc06.as(try await accounts.token("lanhdao", role: .leader, unit: "38"))
            let (holder, created) = try #require(try await Self.applicants(pc06, store, count: 1).first)
            let communeOfficer = pc06.as(try await accounts.token("canbo.xa", role: .communeOfficer, unit: holder.permanentResidence!.unit.description))
            let id = Self.id(created)
            let receipt = try #require(created.json["receipt_code"] as? String)
            #expect(created.json["state"] as? String == "received" && receipt.hasPrefix("38-"))
            #expect((created.json["history"] as? [Any])?.count == 1 && created.json["overdue"] as? Bool == false)

            // The same form again: the same application; another form for the same person: refused.
            let again = try await Self.send(pc06, .post, "/api/v1/applications", ["pin": holder.pin!.digits, "kind": "first", "request_id": "form-\(holder.id)"])
            #expect(again.status == .ok && Self.id(again) == id)
            let second = try await Self.send(pc06, .post, "/api/v1/applications", ["pin": holder.pin!.digits, "kind": "first", "request_id": "other"])
            #expect(second.status == .conflict && second.code == "open_application_exists")

            // Each step by its role, from the right state only.
            #expect(try await Self.move(approver, id, to: "transferred").code == "wrong_role")
            #expect(try await Self.move(pc06, id, to: "approved").code == "not_allowed")
            let early = try await Self.move(pc06, id, to: "transferred")
            #expect(early.code == "biometrics_missing" && early.message.contains("face"))
            try await Self.captureAll(pc06, id)
            #expect(try await Self.move(pc06, id, to: "transferred").status == .ok)
            #expect(try await Self.move(pc06, id, to: "approved").code == "wrong_role")
            #expect(try await Self.move(leader, id, to: "approved").status == .forbidden)
            #expect(try await Self.move(approver, id, to: "approved", expected: "received").code == "state_changed")
            let approved = try await Self.move(approver, id, to: "approved", expected: "transferred")
            #expect(approved.status == .ok && approved.json["state"] as? String == "approved")
            #expect(try await Self.move(approver, id, to: "approved").status == .conflict)
            for state in ["personalised", "printed", "dispatched"] {
                #expect(try await Self.move(pc06, id, to: state).status == .ok, "\(state)")
            }
            let handed = try await Self.move(communeOfficer, id, to: "handed-over")
            #expect(handed.status == .ok)
            let history = try #require(handed.json["history"] as? [[String: Any]])
            #expect(history.map { $0["to"] as? String ?? "" } == ["received", "transferred", "approved", "personalised", "printed", "dispatched", "handed-over"])
            #expect(history.map { $0["actor"] as? String ?? "" } == ["pc06", "pc06", "duyet", "pc06", "pc06", "pc06", "canbo.xa"])
            #expect(handed.json["next"] as? [String] == [] && handed.json["stage_due"] == nil)

            let read = try await Self.send(communeOfficer, .get, "/api/v1/applications/\(id)")
            #expect(read.status == .ok && read.json["receipt_code"] as? String == receipt)
            let actions = try await store.audit.entries(target: "application:\(id)", limit: 100).map(\.draft.action)
            #expect(actions.filter { $0 == "application.move" }.count == 6 && actions.contains("application.create"))
        }
    }

    @Test func queuesBulkApprovalAndArea() async throws {
        try await TestApp.run { pc06, store in
            let accounts = TestAccounts(store: store, keys: KeyRing.generate())
            let approver = pc06.as(try await accounts.token("duyet", role: .approver, unit: "38"))
            let taken = try await Self.applicants(pc06, store, count: 5)
            #expect(taken.count == 5)
            let ids = taken.map { Self.id($0.1) }
            for id in ids.prefix(4) {
                try await Self.captureAll(pc06, id)
                #expect(try await Self.move(pc06, id, to: "transferred").status == .ok)
            }

            let queue = try await Self.send(approver, .get, "/api/v1/applications?state=transferred")
            #expect((queue.json["items"] as? [[String: Any]])?.count == 4)
            #expect(queue.json["counts"] as? [String: Int] == ["received": 1, "transferred": 4])

            // Bulk: four transferred are approved; the received one and an unknown id are reported.
            let bulk = try await Self.send(approver, .post, "/api/v1/applications/approvals", ["ids": ids + [999_999], "note": "duyệt lô"])
            #expect(bulk.status == .ok)
            #expect((bulk.json["approved"] as? [NSNumber])?.map(\.int64Value) == Array(ids.prefix(4)).sorted())
            let failed = try #require(bulk.json["failed"] as? [[String: Any]])
            #expect(Set(failed.compactMap { $0["code"] as? String }) == ["state_changed", "not_found"])
            #expect(try await Self.send(pc06, .post, "/api/v1/applications/approvals", ["ids": ids]).status == .forbidden)
            #expect(try await Self.send(approver, .post, "/api/v1/applications/approvals", ["ids": []]).code == "bad_ids")

            // A commune officer sees the applications of the commune's residents only.
            let commune = taken[0].0.permanentResidence!.unit
            let officer = pc06.as(try await accounts.token("canbo.xa", role: .communeOfficer, unit: commune.description))
            let mine = try await Self.send(officer, .get, "/api/v1/applications?state=approved,received")
            let expected = taken.filter { $0.0.permanentResidence!.unit == commune }.map { Self.id($0.1) }
            #expect(Set((mine.json["items"] as? [[String: Any]] ?? []).map { ($0["id"] as? NSNumber)?.int64Value ?? 0 }) == Set(expected))
            if let outsider = taken.first(where: { $0.0.permanentResidence!.unit != commune }) {
                #expect(try await Self.send(officer, .get, "/api/v1/applications/\(Self.id(outsider.1))").status == .notFound)
            }
            // The province officer narrows the queue to that commune (its code in the list in force today).
            let today = LocalDate(Date())
            let code = AdminEdition.inForce(on: today) == commune.edition ? commune.code
                : try #require(AdminUnitCatalog.shared.reformTargets[commune.code]?.first?.newCode)
            let narrowed = try await Self.send(pc06, .get, "/api/v1/applications?state=approved,received&unit=\(code)")
            // Today's commune may be a merger of several old ones (the 2025 reform): all of them count.
            let area = try Jurisdiction(unit: UnitRef(edition: AdminEdition.inForce(on: today), code: code), catalog: .shared)
            let inArea = taken.filter { area.contains($0.0) }.map { Self.id($0.1) }
            #expect(Set(inArea).isSuperset(of: expected))
            #expect(Set((narrowed.json["items"] as? [[String: Any]] ?? []).map { ($0["id"] as? NSNumber)?.int64Value ?? 0 }) == Set(inArea))
            #expect(try await Self.send(pc06, .get, "/api/v1/applications?unit=99999").code == "bad_unit")
            #expect(try await Self.send(pc06, .get, "/api/v1/applications?state=nonsense").code == "bad_state")
            #expect(try await Self.send(pc06, .get, "/api/v1/applications?overdue=true").json["items"] as? [Any] != nil)
        }
    }

    @Test func badIntakeIsRefusedAndChangesNothing() async throws {
        try await TestApp.run { pc06, store in
            let holders = try await TestApp.cardHolders(store)
            let pin = holders[0].pin!.digits
            func intake(_ body: [String: Any]) async throws -> Reply { try await Self.send(pc06, .post, "/api/v1/applications", body) }
            #expect(try await intake(["pin": "038090999999", "kind": "first"]).code == "unknown_resident")
            #expect(try await intake(["pin": "12345", "kind": "first"]).status == .badRequest)
            #expect(try await intake(["pin": pin, "kind": "new"]).code == "bad_kind")
            #expect(try await intake(["pin": pin, "kind": "renewal", "reason": "bored"]).code == "bad_reason")
            #expect(try await intake(["pin": pin, "kind": "renewal"]).status == .unprocessableContent)
            #expect(try await intake(["pin": pin, "kind": "first", "date": "2099-01-01"]).code == "date_in_future")
            #expect(try await intake(["pin": pin, "kind": "first", "exemptions": ["rich"]]).code == "bad_exemption")
            #expect(try await intake(["kind": "first"]).code == "missing_field")
            // A dead resident: not eligible.
            let dead = holders[1]
            let patch = try await Self.send(pc06, .patch, "/api/v1/residents/\(dead.id)", ["reason": "khai tử", "changes": ["death_date": "2026-01-05"]])
            #expect(patch.status == .ok)
            let refused = try await intake(["pin": dead.pin!.digits, "kind": "first"])
            #expect(refused.status == .unprocessableContent && refused.code == "not_eligible")
            #expect(try await store.applications.counts(ApplicationQuery(states: ApplicationState.allCases)).isEmpty)
            // Roles without intake.
            let accounts = TestAccounts(store: store, keys: KeyRing.generate())
            let approver = pc06.as(try await accounts.token("duyet", role: .approver, unit: "38"))
            #expect(try await Self.send(approver, .post, "/api/v1/applications", ["pin": pin, "kind": "first"]).status == .forbidden)
            #expect(try await Self.send(pc06.as(nil), .get, "/api/v1/applications").status == .unauthorized)
        }
    }

    @Test func biometricImagesAreCheckedAndSealed() async throws {
        try await TestApp.run { pc06, store in
            let (_, created) = try #require(try await Self.applicants(pc06, store, count: 1).first)
            let id = Self.id(created)
            // The face: a JPEG only, upright, within 500 KB.
            #expect(try await Self.put(pc06, id, "face", Self.png, type: "image/png").code == "bad_biometric")
            #expect(try await Self.put(pc06, id, "face", Array("not an image".utf8), type: "image/jpeg").message.contains("must be JPEG"))
            var landscape = CardPageTests.face
            if let sof = (0..<(landscape.count - 9)).first(where: { landscape[$0] == 0xFF && landscape[$0 + 1] == 0xC0 }) {
                landscape.swapAt(sof + 5, sof + 7)
                landscape.swapAt(sof + 6, sof + 8)
            }
            #expect(try await Self.put(pc06, id, "face", landscape, type: "image/jpeg").message.contains("upright"))
            let oversized = CardPageTests.face + [UInt8](repeating: 0, count: 600 * 1024)
            #expect(try await Self.put(pc06, id, "face", oversized, type: "image/jpeg").message.contains("at most 500 KB"))
            #expect(try await Self.put(pc06, id, "thumb", Self.png, type: "image/png").code == "bad_kind")
            let tiny = try QRCodeImage(text: "x").png(scale: 2)
            #expect(try await Self.put(pc06, id, "finger-01", tiny, type: "image/png").message.contains("at least 200 × 200"))
            #expect(try await store.applications.biometrics(applicationID: id).isEmpty)
            // Good images are stored sealed; the status lists them without the images.
            #expect(try await Self.put(pc06, id, "face", CardPageTests.face, type: "image/jpeg").status == .ok)
            let declared = try await Self.send(pc06, .post, "/api/v1/applications/\(id)/biometrics/finger-10/unavailable", ["reason": "cụt ngón"])
            #expect(declared.status == .ok && (declared.json["missing"] as? [String])?.contains("finger-10") == false)
            let stored = try await store.applications.biometrics(applicationID: id)
            #expect(stored.count == 2 && stored.first { $0.kind == .face }?.width == 240)
            #expect(stored.allSatisfy { !$0.sealed.contains(Data(CardPageTests.face.prefix(64))) })
            try await Self.captureAll(pc06, id)
            #expect(try await Self.move(pc06, id, to: "transferred").status == .ok)
            #expect(try await Self.put(pc06, id, "face", CardPageTests.face, type: "image/jpeg").code == "state_changed")
        }
    }

    @Test func publicStatusLookup() async throws {
        try await TestApp.run { pc06, store in
            let (holder, created) = try #require(try await Self.applicants(pc06, store, count: 1).first)
            let receipt = try #require(created.json["receipt_code"] as? String)
            let anonymous = pc06.as(nil)
            let birth = holder.birthDate.description
            let found = try await Self.send(anonymous, .post, "/api/v1/status", ["receipt_code": receipt.lowercased(), "birth_date": birth])
            #expect(found.status == .ok && found.json["stage"] as? String == "received" && found.json["status"] as? String == "Đã tiếp nhận")
            // Nothing personal in the answer.
            #expect(Set(found.json.keys) == ["receipt_code", "stage", "status", "since", "due_date"])
            let wrongBirth = try await Self.send(anonymous, .post, "/api/v1/status", ["receipt_code": receipt, "birth_date": "1900-01-01"])
            let unknown = try await Self.send(anonymous, .post, "/api/v1/status", ["receipt_code": "38-AAAA-BBBB-CC", "birth_date": birth])
            #expect(wrongBirth.status == .notFound && unknown.status == .notFound && wrongBirth.message == unknown.message)
            // A bucket of ten look-ups per address, refilled at ten a minute, then 429: twenty in a row cannot all pass
            // unless they took over a minute.
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<20 { statuses.append(try await Self.send(anonymous, .post, "/api/v1/status", ["receipt_code": receipt, "birth_date": birth]).status) }
            #expect(statuses.contains(.tooManyRequests))
            #expect(statuses.prefix(7).allSatisfy { $0 == .ok })
        }
    }
}

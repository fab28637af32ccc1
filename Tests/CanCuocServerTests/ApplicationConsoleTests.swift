import CanCuocChip
import CanCuocCore
import CanCuocServer
import CanCuocStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The console's intake flow, queue, application page, printable forms, correction and the public status page.
@Suite struct ApplicationConsoleTests {
    static func post(_ session: ConsoleSession, _ uri: String, _ fields: [(String, String)]) async throws -> (HTTPResponse.Status, String, String?) {
        let body = ([("csrf", session.csrf)] + fields).map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        return try await session.execute(uri: uri, method: .post, headers: ConsoleSession.form, body: ByteBuffer(string: body)) { response in
            (response.status, String(buffer: response.body), response.headers[.location])
        }
    }

    /// The capture form as a browser sends it: multipart, one file per field.
    static func upload(_ session: ConsoleSession, _ uri: String, files: [(String, [UInt8])], fields: [(String, String)] = []) async throws -> (HTTPResponse.Status, String) {
        let boundary = "----cancuoc\(UUID().uuidString)"
        var body: [UInt8] = []
        for (name, value) in [("csrf", session.csrf)] + fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for (name, bytes) in files {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(name).img\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return try await session.execute(uri: uri, method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"],
                                         body: ByteBuffer(bytes: body)) { ($0.status, String(buffer: $0.body)) }
    }

    static func get(_ session: ConsoleSession, _ uri: String) async throws -> (HTTPResponse.Status, String) {
        try await session.execute(uri: uri, method: .get) { ($0.status, String(buffer: $0.body)) }
    }

    /// A district officer (no second factor) of the district where `holder` lives, signed in on the console.
    static func districtOfficer(for holder: Resident, _ api: AuthedClient, _ store: any RegisterStore) async throws -> ConsoleSession {
        let commune = try #require(holder.permanentResidence?.unit)
        let district = try #require(AdminUnitCatalog.shared.unit(commune)?.parentCode)
        _ = try await TestAccounts(store: store, keys: KeyRing.generate()).token("canbo.huyen", role: .districtOfficer,
                                                                                unit: UnitRef(edition: commune.edition, code: district).description)
        return try await ConsoleSession.signIn(api.inner, username: "canbo.huyen", password: TestAccounts.password)
    }

    @Test func intakeToSlipThenMovesAndQueue() async throws {
        try await TestApp.run { api, store in
            let holders = try await TestApp.cardHolders(store)
            let service = ApplicationService(store: store)
            let holder = try #require(holders.first { service.recordProblems($0, on: LocalDate(Date())).isEmpty })
            let session = try await Self.districtOfficer(for: holder, api, store)

            // Step 1: an unknown PIN is said so; the holder's PIN opens step 2 with the data to check.
            let (missing, missingPage, _) = try await Self.post(session, "/applications/new", [("q", "038090999999")])
            #expect(missing == .notFound && missingPage.contains("Không tìm thấy công dân"))
            let (found, step2, _) = try await Self.post(session, "/applications/new", [("q", holder.pin!.digits)])
            #expect(found == .ok && step2.contains("id=\"citizen-check\"") && step2.contains(holder.fullName) && step2.contains("id=\"intake-form\""))
            let requestID = try #require(ConsoleSession.hidden("request_id", in: step2))

            // Without the citizen's confirmation nothing is created.
            let fields = [("pin", holder.pin!.digits), ("request_id", requestID), ("kind", "first"), ("reason", ""), ("collected_document", "")]
            let (unconfirmed, _, _) = try await Self.post(session, "/applications", fields)
            #expect(unconfirmed == .unprocessableContent)
            #expect(try await store.applications.counts(ApplicationQuery()).isEmpty)
            // A bad collected number: the form again, nothing created.
            let (badNumber, badPage, _) = try await Self.post(session, "/applications", [("pin", holder.pin!.digits), ("request_id", requestID), ("kind", "first"), ("collected_document", "12"), ("confirmed", "1")])
            #expect(badNumber == .unprocessableContent && badPage.contains("9 or 12 digits"))
            // Confirmed: the application's page; the same form sent twice makes one application.
            let confirmed = fields + [("confirmed", "1")]
            let (created, _, location) = try await Self.post(session, "/applications", confirmed)
            let (twice, _, location2) = try await Self.post(session, "/applications", confirmed)
            #expect(created == .seeOther && twice == .seeOther && location == location2)
            let page = try #require(location)
            let (_, applicationPage) = try await Self.get(session, page)
            #expect(applicationPage.contains("id=\"print-cc02\"") && applicationPage.contains("Đã tiếp nhận"))
            #expect(applicationPage.contains("id=\"move-transferred\"") && !applicationPage.contains("id=\"move-approved\""))
            #expect(applicationPage.contains("id=\"capture-form\"") && applicationPage.contains("id=\"file-finger-10\""))
            // Biometrics through the capture form: a bad face is listed, the good images are kept.
            let png = try QRCodeImage(text: "vân tay").png(scale: 14)
            let (bad, badCapture) = try await Self.upload(session, page + "/biometrics", files: [("face", png), ("finger-01", png)])
            #expect(bad == .unprocessableContent && badCapture.contains("must be JPEG"))
            let fingers = BiometricKind.fingers.dropFirst().map { ($0.rawValue, png) }
            let (good, _) = try await Self.upload(session, page + "/biometrics", files: [("face", CardPageTests.face), ("signature", png)] + fingers)
            #expect(good == .seeOther)
            let (_, captured) = try await Self.get(session, page)
            #expect(captured.contains("✓ JPEG 240×320"))
            #expect(try await store.applications.biometrics(applicationID: Int64(page.split(separator: "/").last!)!).count == 12)
            let (slipStatus, slip) = try await Self.get(session, page + "/forms/cc02")
            let record = try #require(try await store.applications.queue(ApplicationQuery()).items.first)
            #expect(slipStatus == .ok && slip.contains("GIẤY HẸN TRẢ KẾT QUẢ") && slip.contains(record.receiptCode))
            #expect(slip.contains(PartialDate(record.dueDate).vietnamese))
            #expect(try await Self.get(session, page + "/forms/cc03").0 == .notFound)
            #expect(try await Self.get(session, page + "/forms/cc01").1.contains("PHIẾU THU NHẬN THÔNG TIN"))

            // The queue shows it; refusing needs a reason, then CC03 prints it.
            let (_, queue) = try await Self.get(session, "/applications?state=received")
            #expect(queue.contains(record.receiptCode) && queue.contains("id=\"state-tabs\""))
            let (noReason, noReasonPage, _) = try await Self.post(session, page + "/moves", [("to", "refused"), ("expected", "received"), ("note", "")])
            #expect(noReason == .badRequest && noReasonPage.contains("lý do"))
            let (refused, _, _) = try await Self.post(session, page + "/moves", [("to", "refused"), ("expected", "received"), ("note", "Hồ sơ giả mạo giấy tờ")])
            #expect(refused == .seeOther)
            let (_, cc03) = try await Self.get(session, page + "/forms/cc03")
            #expect(cc03.contains("Hồ sơ giả mạo giấy tờ"))
            // A stale form (it showed "received") changes nothing.
            let (stale, stalePage, _) = try await Self.post(session, page + "/moves", [("to", "transferred"), ("expected", "received")])
            #expect(stale == .conflict && stalePage.contains("id=\"move-message\""))
        }
    }

    @Test func incompleteRecordLinksToTheCorrectionAndTheStatusPageAnswers() async throws {
        try await TestApp.run { api, store in
            // A record the validator faults (an old ID of 4 digits): the correction comes first.
            let service = ApplicationService(store: store)
            let holder = try #require(try await TestApp.cardHolders(store).first { service.recordProblems($0, on: LocalDate(Date())).isEmpty })
            let session = try await Self.districtOfficer(for: holder, api, store)
            var changed = holder
            changed.oldIdNumber = "1234"
            let current = try #require(try await store.residents.resident(id: holder.id))
            _ = try await store.residents.correct(changed, expectedVersion: current.version.number, context: ChangeContext(actor: "test", reason: "nhập sai", at: Date()))
            let (_, step2, _) = try await Self.post(session, "/applications/new", [("q", holder.pin!.digits)])
            #expect(step2.contains("id=\"record-problems\"") && step2.contains(Routes.residentCorrection(holder.id)) && !step2.contains("id=\"intake-form\""))
            let (_, form) = try await Self.get(session, Routes.residentCorrection(holder.id))
            #expect(form.contains("id=\"correction-form\"") && form.contains("old_id_number: the old identity card number has 9 digits"))
            let version = try #require(ConsoleSession.hidden("expected_version", in: form))
            let base = [("expected_version", version), ("full_name", holder.fullName), ("birth_date", holder.birthDate.description), ("sex", holder.sex.rawValue),
                        ("ethnicity_code", holder.ethnicityCode), ("religion", holder.religion), ("nationality", holder.nationality),
                        ("residence_unit", holder.permanentResidence!.unit.code), ("residence_street", holder.permanentResidence!.street)]
            let (noReason, _, _) = try await Self.post(session, Routes.residentCorrection(holder.id), base + [("old_id_number", ""), ("reason", "")])
            #expect(noReason == .unprocessableContent)
            let (badUnit, _, _) = try await Self.post(session, Routes.residentCorrection(holder.id),
                                                      base.filter { $0.0 != "residence_unit" } + [("residence_unit", "99999"), ("old_id_number", ""), ("reason", "theo CMND")])
            #expect(badUnit == .unprocessableContent)
            #expect(try await store.residents.resident(id: holder.id)?.resident.oldIdNumber == "1234")
            let (saved, _, back) = try await Self.post(session, Routes.residentCorrection(holder.id), base + [("old_id_number", ""), ("reason", "theo CMND bản chính")])
            #expect(saved == .seeOther && back == Routes.resident(holder.id))
            let after = try #require(try await store.residents.resident(id: holder.id))
            #expect(after.resident.oldIdNumber == nil && after.version.reason == "theo CMND bản chính" && after.version.recordedBy == "canbo.huyen")
            let (_, ready, _) = try await Self.post(session, "/applications/new", [("q", holder.pin!.digits)])
            #expect(ready.contains("id=\"intake-form\""))

            // The public page: no sign-in needed, same answer for a wrong date of birth and an unknown code.
            let (status, publicPage) = try await api.as(nil).execute(uri: "/status", method: .get) { ($0.status, String(buffer: $0.body)) }
            #expect(status == .ok && publicPage.contains("id=\"status-form\"") && !publicPage.contains("signed-in"))
        }
    }
}

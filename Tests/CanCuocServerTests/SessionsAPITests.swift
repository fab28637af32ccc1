import CanCuocCore
import CanCuocServer
import CanCuocStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Mobile sessions: planned with their checks, opened, taking applications only while open, on their dates and
/// by their team, throughput per day, invitations, closing.
@Suite struct SessionsAPITests {
    @Test func planOpenTakeCloseAndTheirErrors() async throws {
        try await TestApp.run { pc06, store in
            let holders = try await TestApp.cardHolders(store)
            let service = ApplicationService(store: store)
            let ready = holders.filter { service.recordProblems($0, on: LocalDate(Date())).isEmpty }
            let commune = try #require(ready.first?.permanentResidence?.unit)
            let today = LocalDate(Date())
            let codeToday = AdminEdition.inForce(on: today) == commune.edition ? commune.code
                : try #require(AdminUnitCatalog.shared.reformTargets[commune.code]?.first?.newCode)
            let plan: [String: Any] = ["place": "school", "place_name": "Trường THPT Lê Lợi", "commune": codeToday,
                                       "starts_on": today.description, "ends_on": today.adding(days: 2).description, "shifts": 2, "machines": 3, "officers": ["pc06"]]
            // A bad plan lists every fault; nothing is saved.
            var bad = plan
            (bad["shifts"], bad["machines"], bad["officers"], bad["ends_on"]) = (4, 0, ["nobody"], today.adding(days: -1).description)
            let refused = try await ApplicationsAPITests.send(pc06, .post, "/api/v1/sessions", bad)
            #expect(refused.status == .unprocessableContent && refused.message.contains("1 to 3 shifts") && refused.message.contains("no account 'nobody'")
                    && refused.message.contains("ends"))
            #expect(try await ApplicationsAPITests.send(pc06, .post, "/api/v1/sessions", plan.merging(["place": "beach"]) { $1 }).code == "bad_place")
            #expect(try await store.sessions.sessions(provinceCodes: ["38"], limit: 10).isEmpty)

            let created = try await ApplicationsAPITests.send(pc06, .post, "/api/v1/sessions", plan)
            #expect(created.status == .created && created.json["state"] as? String == "planned" && created.json["capacity"] as? Int == 3 * 350 * 3)
            let id = ApplicationsAPITests.id(created)
            let site = "session:\(id)"
            let first = ready[0].pin!.digits
            func intake(_ pin: String, _ client: AuthedClient, site: String) async throws -> ApplicationsAPITests.Reply {
                try await ApplicationsAPITests.send(client, .post, "/api/v1/applications", ["pin": pin, "kind": "first", "site": site])
            }
            #expect(try await intake(first, pc06, site: site).code == "session_not_open")
            #expect(try await ApplicationsAPITests.send(pc06, .post, "/api/v1/sessions/\(id)/open").json["state"] as? String == "open")
            #expect(try await ApplicationsAPITests.send(pc06, .post, "/api/v1/sessions/\(id)/open").code == "wrong_session_state")
            // Only the session's team takes applications there.
            let other = pc06.as(try await TestAccounts(store: store, keys: KeyRing.generate()).token("pc06.khac", role: .provinceOfficer, unit: "38"))
            #expect(try await intake(first, other, site: site).code == "not_assigned")
            let taken = try await intake(first, pc06, site: site)
            #expect(taken.status == .created && taken.json["site"] as? String == site)
            let shown = try await ApplicationsAPITests.send(pc06, .get, "/api/v1/sessions/\(id)")
            #expect(shown.json["taken"] as? Int == 1 && (shown.json["per_day"] as? [String: Int])?[today.description] == 1)
            // Invitations by PIN; unknown PINs are counted apart.
            let invited = try await ApplicationsAPITests.send(pc06, .post, "/api/v1/sessions/\(id)/invitees", ["pins": ready.prefix(3).map { $0.pin!.digits } + ["038090999999"]])
            #expect(invited.json["invited"] as? Int == 3)
            #expect(try await ApplicationsAPITests.send(pc06, .post, "/api/v1/sessions/\(id)/close").json["state"] as? String == "closed")
            #expect(try await intake(ready[1].pin!.digits, pc06, site: site).code == "session_not_open")
            // A session whose days are over takes nothing even if left open.
            var past = plan
            (past["starts_on"], past["ends_on"]) = (today.adding(days: -5).description, today.adding(days: -3).description)
            let old = ApplicationsAPITests.id(try await ApplicationsAPITests.send(pc06, .post, "/api/v1/sessions", past))
            _ = try await ApplicationsAPITests.send(pc06, .post, "/api/v1/sessions/\(old)/open")
            #expect(try await intake(ready[1].pin!.digits, pc06, site: "session:\(old)").code == "session_expired")
            #expect(try await intake(ready[1].pin!.digits, pc06, site: "session:99999").status == .notFound)
            #expect(try await store.applications.counts(ApplicationQuery()) == [.received: 1])
            // The console lists them.
            try await pc06.execute(uri: "/sessions", method: .get) { response in
                #expect(String(buffer: response.body).contains("Trường THPT Lê Lợi"))
            }
        }
    }
}

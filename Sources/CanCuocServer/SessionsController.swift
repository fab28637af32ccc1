import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird

/// Mobile sessions (applications.intake): API under `/api/v1/sessions` and the console's `/sessions` pages:
/// plan (place, commune, dates, shifts, machines, officers), open, close, invite residents by PIN, and see the
/// throughput per day against the machines' capacity. Only in the planner's area.
struct SessionsController {
    let service: MobileSessionService
    let pages: ConsolePages
    let audit: AuditRecorder

    var store: any RegisterStore { service.store }
    var catalog: AdminUnitCatalog { service.catalog }

    struct PlanRequest: Decodable {
        let place: String
        let placeName: String
        let commune: String
        let startsOn: String
        let endsOn: String
        let shifts: Int
        let machines: Int
        let officers: [String]

        enum CodingKeys: String, CodingKey {
            case place, placeName = "place_name", commune, startsOn = "starts_on", endsOn = "ends_on", shifts, machines, officers
        }
    }

    struct SessionJSON: Encodable {
        let id: Int64
        let site: String
        let place: String
        let placeName: String
        let commune: String
        let startsOn: String
        let endsOn: String
        let shifts: Int
        let machines: Int
        let officers: [String]
        let state: String
        let capacity: Int
        let taken: Int
        let perDay: [String: Int]
        let invited: Int

        enum CodingKeys: String, CodingKey {
            case id, site, place, placeName = "place_name", commune, startsOn = "starts_on", endsOn = "ends_on", shifts, machines, officers, state
            case capacity, taken, perDay = "per_day", invited
        }
    }

    func add(to router: Router<AppRequestContext>) {
        router.post(Routes.apiSessions) { request, context in
            let identity = try context.require(.takeApplications)
            let body = try await JSONResponse.decode(PlanRequest.self, from: request, context: context)
            let session = try await plan(body, identity: identity, request: request, context: context)
            return try JSONResponse.make(try await json(session), status: .created)
        }
        router.get(Routes.apiSessions) { _, context in
            let identity = try context.require(.readApplications)
            var items: [SessionJSON] = []
            for session in try await sessions(identity) { items.append(try await json(session)) }
            return try JSONResponse.make(items)
        }
        router.get(Routes.apiSession) { _, context in
            let identity = try context.require(.readApplications)
            return try JSONResponse.make(try await json(try await session(context, identity)))
        }
        router.post(Routes.apiSessionStep) { request, context in
            let identity = try context.require(.takeApplications)
            let session = try await session(context, identity)
            var pins: [String] = []
            if context.parameters.get("step") == "invitees" {
                pins = (try await JSONResponse.object(from: request, context: context)["pins"] as? [String]) ?? []
            }
            let (updated, unknown) = try await step(context.parameters.get("step") ?? "", session, pins: pins, request: request, context: context)
            var response = try JSONResponse.make(try await json(updated))
            if !unknown.isEmpty { response.headers[.init("X-Unknown-PINs")!] = "\(unknown.count)" }
            return response
        }
        router.get(Routes.sessionsPage) { _, context in
            let identity = try context.require(.readApplications)
            return try await listPage(identity, context)
        }
        router.post(Routes.sessionsPage) { request, context in
            let identity = try context.require(.takeApplications)
            let form = try await FormFields.of(request, context: context)
            do {
                let body = PlanRequest(place: form["place"] ?? "", placeName: form["place_name"] ?? "", commune: form["commune"] ?? "",
                                       startsOn: form["starts_on"] ?? "", endsOn: form["ends_on"] ?? "", shifts: Int(form["shifts"] ?? "") ?? 0,
                                       machines: Int(form["machines"] ?? "") ?? 0,
                                       officers: (form["officers"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init))
                let session = try await plan(body, identity: identity, request: request, context: context)
                return AuthController.redirect("/sessions/\(session.id)")
            } catch {
                guard let mapped = APIError.from(error), mapped.status.code < 500 else { throw error }
                return try await listPage(identity, context, message: mapped.message, status: mapped.status)
            }
        }
        router.get(Routes.sessionPage) { _, context in
            let identity = try context.require(.readApplications)
            return try await sessionPage(try await session(context, identity), context)
        }
        router.post(Routes.sessionStep) { request, context in
            let identity = try context.require(.takeApplications)
            let session = try await session(context, identity)
            let form = try await FormFields.of(request, context: context)
            let pins = (form["pins"] ?? "").split(whereSeparator: { $0.isWhitespace || $0 == "," }).map(String.init)
            do {
                let (updated, unknown) = try await step(context.parameters.get("step") ?? "", session, pins: pins, request: request, context: context)
                return try await sessionPage(updated, context, message: unknown.isEmpty ? nil : "Không tìm thấy \(unknown.count) số định danh.")
            } catch {
                guard let mapped = APIError.from(error), mapped.status.code < 500 else { throw error }
                return try await sessionPage(session, context, message: mapped.message, status: mapped.status)
            }
        }
    }

    func plan(_ body: PlanRequest, identity: Identity, request: Request, context: AppRequestContext) async throws -> MobileSession {
        guard let place = MobileSession.Place(rawValue: body.place) else {
            throw APIError.badRequest("bad_place", "place must be one of \(MobileSession.Place.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let starts = try LocalDate(iso: body.startsOn), ends = try LocalDate(iso: body.endsOn)
        guard let commune = catalog.unit(code: body.commune, on: starts), commune.level == .commune else {
            throw SessionError.invalid(["\(body.commune) is not a commune on \(starts)"])
        }
        guard identity.jurisdiction.contains(unit: commune.reference, provinceCode: catalog.province(of: commune.reference)?.code ?? "") else {
            throw APIError(.unprocessableContent, "outside_jurisdiction", "the commune is outside your area")
        }
        let province = catalog.province(of: commune.reference)?.code ?? identity.account.unit.code
        let session = try await service.plan(MobileSession(
            provinceCode: province, place: place, placeName: body.placeName.trimmed, commune: commune.reference, startsOn: starts, endsOn: ends,
            shifts: body.shifts, machines: body.machines, officers: body.officers, createdBy: identity.account.username, createdAt: Date(), updatedAt: Date()))
        try await audit.record("session.plan", target: "session:\(session.id)", request: request, context: context)
        return session
    }

    func step(_ step: String, _ session: MobileSession, pins: [String], request: Request, context: AppRequestContext) async throws -> (MobileSession, [String]) {
        switch step {
        case "open":
            let opened = try await service.open(session.id)
            try await audit.record("session.open", target: "session:\(session.id)", request: request, context: context)
            return (opened, [])
        case "close":
            let closed = try await service.close(session.id)
            try await audit.record("session.close", target: "session:\(session.id)", request: request, context: context)
            return (closed, [])
        case "invitees":
            let parsed = try pins.map { try PIN($0, bornAbroad: true) }
            guard !parsed.isEmpty, parsed.count <= 5000 else { throw APIError.badRequest("bad_pins", "give 1 to 5000 PINs") }
            let (added, unknown) = try await service.invite(session.id, pins: parsed)
            try await audit.record("session.invite", target: "session:\(session.id)", purpose: "\(added) residents", request: request, context: context)
            return (session, unknown)
        default:
            throw APIError.notFound
        }
    }

    func sessions(_ identity: Identity) async throws -> [MobileSession] {
        let provinces: Set<String> = switch identity.jurisdiction.scope {
        case .provinces(let codes): codes
        case .communes(let communes): Set(communes.compactMap { catalog.province(of: $0)?.code })
        }
        return try await store.sessions.sessions(provinceCodes: provinces, limit: 100).filter { visible($0, identity) }
    }

    func visible(_ session: MobileSession, _ identity: Identity) -> Bool {
        identity.jurisdiction.contains(unit: session.commune, provinceCode: session.provinceCode)
    }

    func session(_ context: AppRequestContext, _ identity: Identity) async throws -> MobileSession {
        guard let id = context.parameters.get("id").flatMap(Int64.init), let session = try await store.sessions.session(id: id), visible(session, identity) else {
            throw APIError.notFound
        }
        return session
    }

    func json(_ s: MobileSession) async throws -> SessionJSON {
        let perDay = try await store.sessions.throughput(sessionID: s.id)
        return SessionJSON(
            id: s.id, site: s.site, place: s.place.rawValue, placeName: s.placeName, commune: s.commune.code, startsOn: s.startsOn.description,
            endsOn: s.endsOn.description, shifts: s.shifts, machines: s.machines, officers: s.officers, state: s.state.rawValue, capacity: s.capacity,
            taken: perDay.values.reduce(0, +), perDay: Dictionary(uniqueKeysWithValues: perDay.map { ($0.key.description, $0.value) }),
            invited: try await store.sessions.invitees(sessionID: s.id).count)
    }

    func row(_ s: MobileSession) async throws -> [String: Any] {
        let j = try await json(s)
        return ["id": s.id, "link": "/sessions/\(s.id)", "place": s.place.vietnamese, "placeName": s.placeName,
                "commune": catalog.fullPath(of: s.commune) ?? s.commune.code, "dates": "\(PartialDate(s.startsOn).vietnamese) – \(PartialDate(s.endsOn).vietnamese)",
                "shifts": s.shifts, "machines": s.machines, "officers": s.officers.joined(separator: ", "), "state": s.state.vietnamese,
                "capacity": j.capacity, "taken": j.taken, "invited": j.invited]
    }

    func listPage(_ identity: Identity, _ context: AppRequestContext, message: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        var rows: [[String: Any]] = []
        for session in try await sessions(identity) { rows.append(try await row(session)) }
        var model: [String: Any] = ["navSessions": true, "sessions": rows, "canPlan": identity.permissions.contains(.takeApplications),
                                    "places": MobileSession.Place.allCases.map { ["value": $0.rawValue, "label": $0.vietnamese] }]
        if let message { model["message"] = message }
        return pages.render("sessions", model, context: context, status: status)
    }

    func sessionPage(_ session: MobileSession, _ context: AppRequestContext, message: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        var model = try await row(session)
        let perDay = try await store.sessions.throughput(sessionID: session.id)
        model["days"] = (0..<session.days).map { offset -> [String: Any] in
            let day = session.startsOn.adding(days: offset)
            let taken = perDay[day] ?? 0
            let capacity = session.machines * MobileSession.perMachinePerDay
            return ["day": PartialDate(day).vietnamese, "taken": taken, "capacity": capacity, "percent": capacity > 0 ? taken * 100 / capacity : 0]
        }
        let canAct = context.identity?.permissions.contains(.takeApplications) == true
        model["canOpen"] = canAct && session.state == .planned
        model["canClose"] = canAct && session.state == .open
        model["canInvite"] = canAct && session.state != .closed
        model["site"] = session.site
        model["navSessions"] = true
        if let message { model["message"] = message }
        return pages.render("session", model, context: context, status: status)
    }
}

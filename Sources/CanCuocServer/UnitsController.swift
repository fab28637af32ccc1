import CanCuocCore
import Foundation
import Hummingbird

/// `/api/v1/units`: administrative units of either edition.
struct UnitsController {
    let catalog: AdminUnitCatalog
    let clock: @Sendable () -> Date

    struct UnitView: Encodable {
        let code: String
        let level: String
        let type: String
        let name: String
        let parentCode: String?
        let edition: String
        let validFrom: String?
        let validTo: String?
        let fullPath: String

        enum CodingKeys: String, CodingKey {
            case code, level, type, name, edition, parentCode = "parent_code", validFrom = "valid_from"
            case validTo = "valid_to", fullPath = "full_path"
        }

        init(_ unit: AdminUnit, catalog: AdminUnitCatalog) {
            code = unit.code
            level = unit.level.rawValue
            type = unit.type.rawValue
            name = unit.name
            parentCode = unit.parentCode
            edition = unit.edition.rawValue
            validFrom = unit.validFrom?.description
            validTo = unit.validTo?.description
            fullPath = catalog.fullPath(of: unit.reference) ?? unit.name
        }
    }

    struct UnitList: Encodable {
        let edition: String
        let units: [UnitView]
    }

    func add(to router: Router<AppRequestContext>) {
        // Public reference data, but still for signed-in roles only: every endpoint checks its caller.
        router.get(Routes.apiUnits) { request, context in
            _ = try context.require(.readUnits)
            return try search(request)
        }
        router.get(Routes.apiUnit) { request, context in
            _ = try context.require(.readUnits)
            return try unit(request, context)
        }
        router.get(Routes.apiUnitChildren) { request, context in
            _ = try context.require(.readUnits)
            return try children(request, context)
        }
    }

    /// `?edition=2025-01|2025-07` or `?on=YYYY-MM-DD` picks the tree; default: today's.
    func edition(_ request: Request) throws -> AdminEdition {
        let query = request.uri.queryParameters
        if let text = query.get("edition") {
            guard let edition = AdminEdition(rawValue: text) else { throw APIError.badRequest("bad_edition", "edition is 2025-01 or 2025-07") }
            return edition
        }
        if let text = query.get("on") { return .inForce(on: try LocalDate(iso: text)) }
        return .inForce(on: LocalDate(clock()))
    }

    func search(_ request: Request) throws -> Response {
        let query = request.uri.queryParameters
        let edition = try edition(request)
        guard let q = query.get("q"), !VietnameseText.fold(q).isEmpty else {
            return try JSONResponse.make(UnitList(edition: edition.rawValue, units: catalog.provinces(edition).map { UnitView($0, catalog: catalog) }))
        }
        var level: AdminLevel?
        if let text = query.get("level") {
            guard let parsed = AdminLevel(rawValue: text) else { throw APIError.badRequest("bad_level", "level is province, district or commune") }
            level = parsed
        }
        let within = query.get("within").map { UnitRef(edition: edition, code: $0) }
        if let within, catalog.unit(within) == nil { throw APIError(.notFound, "unknown_unit", "unit \(within.code) does not exist in the \(edition.rawValue) list") }
        let limit = min(max(query.get("limit", as: Int.self) ?? 50, 1), 500)
        let units = catalog.search(q, edition: edition, level: level, within: within, limit: limit)
        return try JSONResponse.make(UnitList(edition: edition.rawValue, units: units.map { UnitView($0, catalog: catalog) }))
    }

    func unit(_ request: Request, _ context: AppRequestContext) throws -> Response {
        let ref = UnitRef(edition: try edition(request), code: context.parameters.get("code") ?? "")
        guard let unit = catalog.unit(ref) else { throw APIError(.notFound, "unknown_unit", "unit \(ref.code) does not exist in the \(ref.edition.rawValue) list") }
        return try JSONResponse.make(UnitView(unit, catalog: catalog))
    }

    func children(_ request: Request, _ context: AppRequestContext) throws -> Response {
        let ref = UnitRef(edition: try edition(request), code: context.parameters.get("code") ?? "")
        guard catalog.unit(ref) != nil else { throw APIError(.notFound, "unknown_unit", "unit \(ref.code) does not exist in the \(ref.edition.rawValue) list") }
        return try JSONResponse.make(UnitList(edition: ref.edition.rawValue, units: catalog.children(of: ref).map { UnitView($0, catalog: catalog) }))
    }
}

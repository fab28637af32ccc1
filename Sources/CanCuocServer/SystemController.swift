import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird

/// `/healthz`, `/metrics` and `/api/v1/pins/:pin`.
struct SystemController {
    let store: any RegisterStore
    let metrics: AppMetrics
    let catalog: AdminUnitCatalog

    struct Health: Encodable {
        let status: String
        let backend: String
    }

    func add(to router: Router<AppRequestContext>) {
        router.get(Routes.healthz) { _, _ in
            do {
                try await store.ping()
                return try JSONResponse.make(Health(status: "ok", backend: store.backendName))
            } catch {
                return try JSONResponse.make(Health(status: "database unavailable", backend: store.backendName), status: .serviceUnavailable)
            }
        }
        router.get(Routes.metrics) { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
        }
        router.get(Routes.apiPIN) { request, context in
            _ = try context.require(.verifyResidents)
            let abroad = request.uri.queryParameters.get("abroad") == "true"
            let pin = try PIN(context.parameters.get("pin") ?? "", bornAbroad: abroad, catalog: catalog)
            return try JSONResponse.make(PINDecoding(pin, catalog: catalog))
        }
    }
}

/// What a PIN says about its holder: the `cancuoc pin decode` and `/api/v1/pins/:pin` form.
public struct PINDecoding: Codable, Sendable, Equatable {
    public let pin: String
    public let provinceCode: String
    public let provinceName: String?
    public let sex: Sex
    public let birthYear: Int
    public let serial: String

    public init(_ pin: PIN, catalog: AdminUnitCatalog) {
        self.pin = pin.digits
        provinceCode = pin.provinceCode
        provinceName = catalog.pinProvince(prefix: pin.provinceCode)?.name
        sex = pin.sex
        birthYear = pin.birthYear
        serial = String(pin.digits.suffix(6))
    }

    enum CodingKeys: String, CodingKey {
        case pin, provinceCode = "province_code", provinceName = "province_name", sex, birthYear = "birth_year", serial
    }
}

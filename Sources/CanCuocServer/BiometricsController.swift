import CanCuocChip
import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird

/// Biometric capture for an application at the desk. API: `PUT /api/v1/applications/{id}/biometrics/{kind}`
/// with the image as the body (capture devices), `POST .../{kind}/unavailable` with the reason, `GET
/// .../biometrics` for what is captured and missing (never the images). Console: the capture form on the
/// application's page (multipart). Each image is checked (format, size) and sealed before it is stored.
struct BiometricsController {
    let applications: ApplicationService
    let biometrics: BiometricService
    let audit: AuditRecorder

    var store: any RegisterStore { applications.store }

    struct Status: Encodable {
        struct Item: Encodable {
            let kind: String
            let format: String
            let width: Int
            let height: Int
            let bytes: Int
            let capturedAt: Date
            let capturedBy: String

            enum CodingKeys: String, CodingKey {
                case kind, format, width, height, bytes, capturedAt = "captured_at", capturedBy = "captured_by"
            }
        }
        let captured: [Item]
        let missing: [String]
    }

    struct Unavailable: Decodable {
        let reason: String
    }

    func add(to router: Router<AppRequestContext>) {
        router.get(Routes.apiApplicationBiometrics) { request, context in
            let (application, _) = try await visibleApplication(context, permission: .readApplications)
            return try JSONResponse.make(try await status(of: application))
        }
        router.put(Routes.apiApplicationBiometric) { request, context in
            let (application, identity) = try await visibleApplication(context, permission: .takeApplications)
            let kind = try Self.kind(context)
            let bytes = [UInt8](buffer: try await request.body.collect(upTo: context.maxUploadSize))
            try await capture(kind, bytes: bytes, application: application, identity: identity, request: request, context: context)
            return try JSONResponse.make(try await status(of: application))
        }
        router.post(Routes.apiApplicationBiometricUnavailable) { request, context in
            let (application, identity) = try await visibleApplication(context, permission: .takeApplications)
            let kind = try Self.kind(context)
            let body = try await JSONResponse.decode(Unavailable.self, from: request, context: context)
            try await declareUnavailable(kind, reason: body.reason, application: application, identity: identity, request: request, context: context)
            return try JSONResponse.make(try await status(of: application))
        }
    }

    func visibleApplication(_ context: AppRequestContext, permission: Permission) async throws -> (ApplicationRecord, Identity) {
        let (scoped, identity) = try context.applications(store, anyOf: [permission])
        guard let application = try await scoped.application(id: try ApplicationsController.id(context)) else { throw APIError.notFound }
        return (application, identity)
    }

    static func kind(_ context: AppRequestContext) throws -> BiometricKind {
        let text = context.parameters.get("kind") ?? ""
        guard let kind = BiometricKind(rawValue: text) else {
            throw APIError.badRequest("bad_kind", "'\(text)' is not a biometric; kinds are \(BiometricKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return kind
    }

    /// Checks the image by its kind's rules, then seals and stores it.
    func capture(_ kind: BiometricKind, bytes: [UInt8], application: ApplicationRecord, identity: Identity, request: Request, context: AppRequestContext) async throws {
        let image: BiometricImage
        do { image = try BiometricImage(kind: kind, bytes: bytes) } catch { throw ApplicationError.badBiometric(error.description) }
        try await biometrics.capture(.init(kind: kind, format: image.format.rawValue, width: image.width, height: image.height, bytes: image.bytes),
                                     applicationID: application.id, actor: identity.account.username)
        try await audit.record("application.biometric", target: "application:\(application.id)", purpose: kind.rawValue, request: request, context: context)
    }

    /// A finger or iris that cannot be captured, with the reason, audited.
    func declareUnavailable(_ kind: BiometricKind, reason: String, application: ApplicationRecord, identity: Identity, request: Request,
                            context: AppRequestContext) async throws {
        try await biometrics.declareUnavailable(kind, reason: reason, applicationID: application.id, actor: identity.account.username)
        try await audit.record("application.biometric-unavailable", target: "application:\(application.id)", purpose: kind.rawValue, request: request, context: context)
    }

    func status(of application: ApplicationRecord) async throws -> Status {
        let stored = try await store.applications.biometrics(applicationID: application.id)
        return Status(
            captured: stored.map { .init(kind: $0.kind.rawValue, format: $0.format, width: $0.width, height: $0.height, bytes: $0.byteCount,
                                         capturedAt: $0.capturedAt, capturedBy: $0.capturedBy) },
            missing: try await applications.missingBiometrics(of: application, captured: stored).map(\.rawValue))
    }
}

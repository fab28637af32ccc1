import CanCuocCore
import Foundation

/// Capture of an application's biometrics at the desk: each image (already checked by its format rules)
/// sealed under the data-encryption key before it reaches the database; a finger or an iris that cannot be
/// captured is declared with its reason. Only while the application is at the desk (received).
public struct BiometricService: Sendable {
    public let store: any RegisterStore
    public let keys: KeyRing
    public let clock: @Sendable () -> Date

    public init(store: any RegisterStore, keys: KeyRing, clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.keys = keys
        self.clock = clock
    }

    /// An image that passed its checks: kind, format (`jpeg`/`png`), size and bytes.
    public struct Capture: Sendable {
        public let kind: BiometricKind
        public let format: String
        public let width: Int
        public let height: Int
        public let bytes: [UInt8]

        public init(kind: BiometricKind, format: String, width: Int, height: Int, bytes: [UInt8]) {
            self.kind = kind
            self.format = format
            self.width = width
            self.height = height
            self.bytes = bytes
        }
    }

    public func capture(_ capture: Capture, applicationID: Int64, actor: String) async throws {
        try await self.capture([capture], applicationID: applicationID, actor: actor)
    }

    /// Several images of one application (a capture station's whole set), stored in one transaction.
    public func capture(_ captures: [Capture], applicationID: Int64, actor: String) async throws {
        let application = try await receivedApplication(applicationID)
        let now = clock()
        let sealed = try captures.map { capture in
            StoredBiometric(
                applicationID: applicationID, provinceCode: application.provinceCode, kind: capture.kind, format: capture.format, width: capture.width,
                height: capture.height, byteCount: capture.bytes.count,
                sealed: try keys.seal(Data(capture.bytes), context: StoredBiometric.context(applicationID: applicationID, kind: capture.kind)),
                capturedAt: now, capturedBy: actor)
        }
        try await store.applications.saveBiometrics(sealed)
    }

    /// A finger or iris that cannot be captured (amputation, injury), with the reason.
    public func declareUnavailable(_ kind: BiometricKind, reason: String, applicationID: Int64, actor: String) async throws {
        guard kind.mayBeUnavailable else { throw ApplicationError.badBiometric("the \(kind.rawValue) must be captured; it cannot be declared unavailable") }
        let reason = reason.trimmed
        guard !reason.isEmpty, reason.count <= 200 else { throw ApplicationError.badBiometric("give the reason (at most 200 characters) why the \(kind.rawValue) cannot be captured") }
        let application = try await receivedApplication(applicationID)
        let sealed = try keys.seal(Data(reason.utf8), context: StoredBiometric.context(applicationID: applicationID, kind: kind))
        try await store.applications.saveBiometrics([StoredBiometric(
            applicationID: applicationID, provinceCode: application.provinceCode, kind: kind, format: "unavailable", width: 0, height: 0,
            byteCount: 0, sealed: sealed, capturedAt: clock(), capturedBy: actor)])
    }

    /// The face photo of an application, opened (for personalisation); nil when none was captured.
    public func face(applicationID: Int64) async throws -> [UInt8]? {
        guard let face = try await store.applications.biometric(applicationID: applicationID, kind: .face), !face.isUnavailable else { return nil }
        return [UInt8](try keys.open(face.sealed, context: StoredBiometric.context(applicationID: applicationID, kind: .face)))
    }

    func receivedApplication(_ id: Int64) async throws -> ApplicationRecord {
        guard let application = try await store.applications.application(id: id) else { throw ApplicationError.notFound(id) }
        guard application.state == .received else { throw ApplicationError.stateChanged(expected: .received, actual: application.state) }
        return application
    }
}

import CanCuocCore
import Foundation

/// A biometric image of an application, sealed with the data-encryption key (context
/// `biometric:<application id>:<kind>`), or a declaration that it could not be captured (format
/// `unavailable`, the sealed reason instead of an image).
public struct StoredBiometric: Sendable, Hashable {
    public var applicationID: Int64
    public var provinceCode: String
    public var kind: BiometricKind
    /// `jpeg`, `png` or `unavailable`.
    public var format: String
    public var width: Int
    public var height: Int
    public var byteCount: Int
    public var sealed: Data
    public var capturedAt: Date
    public var capturedBy: String

    public init(applicationID: Int64, provinceCode: String, kind: BiometricKind, format: String, width: Int, height: Int, byteCount: Int,
                sealed: Data, capturedAt: Date, capturedBy: String) {
        self.applicationID = applicationID
        self.provinceCode = provinceCode
        self.kind = kind
        self.format = format
        self.width = width
        self.height = height
        self.byteCount = byteCount
        self.sealed = sealed
        self.capturedAt = capturedAt
        self.capturedBy = capturedBy
    }

    public static func context(applicationID: Int64, kind: BiometricKind) -> String { "biometric:\(applicationID):\(kind.rawValue)" }

    public var isUnavailable: Bool { format == "unavailable" }
}

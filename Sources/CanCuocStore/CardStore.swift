import CanCuocCore
import Foundation

/// A personalised card as kept in the register: its personalisation record (card.json), the chip's files
/// and the face image sealed with the data key (biometrics are encrypted at rest).
public struct StoredCard: Sendable, Hashable {
    /// The chip files a card row holds, by LDS name.
    public static let fileNames = ["EF.COM", "DG1", "DG2", "DG13", "EF.SOD"]

    public var id: Int64
    public var provinceCode: String
    public var residentID: ResidentID
    public var pin: String
    public var issuedOn: LocalDate
    public var expiresOn: LocalDate?
    public var law: String
    /// The Document Signer certificate's serial number (hex).
    public var signerSerial: String
    public var createdAt: Date
    /// card.json: printed fields, MRZ, QR text, file hashes, BAC keys.
    public var record: String
    /// LDS name ("EF.COM", "DG1", ...) -> bytes.
    public var files: [String: Data]
    /// The face JPEG sealed with `KeyRing` (context `face:PIN`); nil for a card without a face.
    public var sealedFace: Data?
    /// Valid until superseded by a newer card, reported lost or revoked (expiry is by date: `isExpired`).
    public var status: CardStatus
    /// The application it was produced for (nil for a card personalised outside the pipeline).
    public var applicationID: Int64?
    public var statusNote: String
    public var statusChangedAt: Date?

    public init(id: Int64 = 0, provinceCode: String, residentID: ResidentID, pin: String, issuedOn: LocalDate, expiresOn: LocalDate?,
                law: String, signerSerial: String, createdAt: Date, record: String, files: [String: Data], sealedFace: Data?,
                status: CardStatus = .valid, applicationID: Int64? = nil, statusNote: String = "", statusChangedAt: Date? = nil) {
        self.status = status
        self.applicationID = applicationID
        self.statusNote = statusNote
        self.statusChangedAt = statusChangedAt
        self.id = id
        self.provinceCode = provinceCode
        self.residentID = residentID
        self.pin = pin
        self.issuedOn = issuedOn
        self.expiresOn = expiresOn
        self.law = law
        self.signerSerial = signerSerial
        self.createdAt = createdAt
        self.record = record
        self.files = files
        self.sealedFace = sealedFace
    }

    /// The sealing context of a card's face image.
    public static func faceContext(pin: String) -> String { "face:" + pin }

    /// Past its expiry date on `day` (a card without expiry never expires).
    public func isExpired(on day: LocalDate) -> Bool { expiresOn.map { $0 < day } ?? false }

    /// Whether the card proves identity on `day`: valid and not expired.
    public func isInForce(on day: LocalDate) -> Bool { status == .valid && !isExpired(on: day) }
}

/// Where a card stands. A person has at most one valid card: a new one supersedes it.
public enum CardStatus: String, CaseIterable, Sendable, Codable {
    case valid, superseded, lost, revoked

    public var vietnamese: String {
        switch self {
        case .valid: "Còn hiệu lực"
        case .superseded: "Đã thay bằng thẻ mới"
        case .lost: "Báo mất"
        case .revoked: "Đã thu hồi"
        }
    }
}

public enum CardStatusError: Error, Equatable, Sendable, CustomStringConvertible {
    case notValid(CardStatus)
    case notAllowed(CardStatus)

    public var description: String {
        switch self {
        case .notValid(let status): "the card is \(status.rawValue), not valid: only a valid card can be reported lost or revoked"
        case .notAllowed(let status): "a card can be reported lost or revoked, not set to \(status.rawValue)"
        }
    }
}

/// Personalised cards. Card applications and the card's lifecycle (one valid card per person, lost,
/// revoked) build on this in the applications issue.
public protocol CardStore: Sendable {
    /// Stores a personalised card; the resident must exist. The resident's valid card, if any, becomes
    /// superseded in the same transaction (at most one valid card per person).
    func save(_ card: StoredCard) async throws -> StoredCard
    /// Reports a valid card lost or revokes it (`CardStatusError` otherwise).
    func setStatus(cardID: Int64, to status: CardStatus, note: String, at: Date) async throws -> StoredCard
    /// A resident's cards, newest first.
    func cards(residentID: ResidentID) async throws -> [StoredCard]
    func card(id: Int64) async throws -> StoredCard?
    /// Sealed faces in card-id order after `id`, for key rotation.
    func sealedFaces(after id: Int64, limit: Int) async throws -> [SealedFace]
    func replaceSealedFace(cardID: Int64, sealed: Data) async throws
}

public struct SealedFace: Sendable, Hashable {
    public let cardID: Int64
    public let pin: String
    public let sealed: Data

    public init(cardID: Int64, pin: String, sealed: Data) {
        self.cardID = cardID
        self.pin = pin
        self.sealed = sealed
    }
}

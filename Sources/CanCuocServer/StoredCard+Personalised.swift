import CanCuocChip
import CanCuocCore
import CanCuocStore
import Crypto
import Foundation

extension StoredCard {
    /// The register's copy of a personalised card. The face is kept only sealed with the data key: DG2 (the face
    /// in the clear inside its biometric template) is not stored but rebuilt by `chipFiles(keys:)`.
    public init(_ card: PersonalisedCard, residentID: ResidentID, provinceCode: String, face: [UInt8]?, keys: KeyRing) throws {
        var files: [String: Data] = [:]
        for (file, bytes) in card.files where !(file == .dg2 && face != nil) { files[file.rawValue] = Data(bytes) }
        let pin = card.data.pin.digits
        self.init(provinceCode: provinceCode, residentID: residentID, pin: pin, issuedOn: card.data.issuedOn, expiresOn: card.data.expiresOn,
                  law: card.data.law.rawValue, signerSerial: card.documentSigner.serialNumber.hex,
                  createdAt: Date(), record: String(decoding: try card.record(), as: UTF8.self), files: files,
                  sealedFace: try face.map { try keys.seal(Data($0), context: StoredCard.faceContext(pin: pin)) })
    }

    /// The chip's files: the stored ones, and DG2 rebuilt from the sealed face. The rebuilt DG2 must hash to the
    /// value the personalisation record holds (and EF.SOD signs), so a card is never given a DG2 it was not signed with.
    public func chipFiles(keys: KeyRing) throws -> [LDSFile: [UInt8]] {
        var files: [LDSFile: [UInt8]] = [:]
        for (name, data) in self.files { if let file = LDSFile(rawValue: name) { files[file] = Array(data) } }
        guard files[.dg2] == nil, let sealedFace else { return files }
        let face = [UInt8](try keys.open(sealedFace, context: Self.faceContext(pin: pin)))
        let dg2 = try DG2FaceImage.encode(jpeg: face, sex: try PIN(pin, bornAbroad: true).sex)
        guard Hex.string(SHA256.hash(data: dg2), uppercase: true) == recordedHash(of: .dg2) else { throw StoredCardError.dg2Mismatch(cardID: id) }
        files[.dg2] = dg2
        return files
    }

    /// The SHA-256 (hex) the personalisation record gives for a chip file.
    func recordedHash(of file: LDSFile) -> String? {
        guard let record = try? JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any],
              let chip = record["chip"] as? [[String: Any]] else { return nil }
        return chip.first { $0["file"] as? String == file.rawValue }?["sha256"] as? String
    }
}

public enum StoredCardError: Error, Equatable, Sendable, CustomStringConvertible {
    case dg2Mismatch(cardID: Int64)

    public var description: String {
        switch self {
        case .dg2Mismatch(let id): "card \(id): the face rebuilt into DG2 does not match the hash its personalisation signed"
        }
    }
}

import CanCuocChip
import CanCuocCore
import CanCuocStore
import Foundation

extension StoredCard {
    /// The register's copy of a personalised card, the face sealed with the data key.
    public init(_ card: PersonalisedCard, residentID: ResidentID, provinceCode: String, face: [UInt8]?, keys: KeyRing) throws {
        var files: [String: Data] = [:]
        for (file, bytes) in card.files { files[file.rawValue] = Data(bytes) }
        let pin = card.data.pin.digits
        self.init(provinceCode: provinceCode, residentID: residentID, pin: pin, issuedOn: card.data.issuedOn, expiresOn: card.data.expiresOn,
                  law: card.data.law.rawValue, signerSerial: card.documentSigner.serialNumber.hex,
                  createdAt: Date(), record: String(decoding: try card.record(), as: UTF8.self), files: files,
                  sealedFace: try face.map { try keys.seal(Data($0), context: StoredCard.faceContext(pin: pin)) })
    }
}

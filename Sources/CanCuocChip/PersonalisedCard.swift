import CanCuocCore
import Crypto
import Foundation
import X509

/// One card ready for the printer: the printed data, the MRZ, the QR code, the chip's files signed by a
/// Document Signer, and the BAC keys a reader derives from the MRZ.
public struct PersonalisedCard: Sendable {
    public let data: CardData
    public let mrz: TD1MRZ
    public let qrText: String
    public let files: [LDSFile: [UInt8]]
    public let bac: BACKeys
    public let documentSigner: Certificate

    /// `faceJPEG` is nil only for a child under 6 under the 2023 law (no biometrics): the chip then has no DG2.
    public init(data: CardData, faceJPEG: [UInt8]?, signer: DocumentSigner, signingTime: Date = Date()) throws {
        self.data = data
        mrz = data.mrz
        qrText = data.qrText
        // Fails early, as the printer would, on a text no QR code can hold (the image itself is drawn on demand).
        guard qrText.utf8.count <= QRCodeImage.maximumBytes else { throw QRCodeError.tooLong(bytes: qrText.utf8.count) }
        var files: [LDSFile: [UInt8]] = [:]
        files[.dg1] = try LDSEncoding.dg1(mrzLines: mrz.lines)
        if let faceJPEG {
            files[.dg2] = try DG2FaceImage.encode(jpeg: faceJPEG, sex: data.sex)
        } else if CardEligibility.biometrics(law: data.law, age: CardValidity.age(birthDate: data.birthDate, on: data.issuedOn)).contains(.face) {
            throw CardPersonalisationError.faceImageRequired
        }
        files[.dg13] = try DG13(card: data).encoded()
        let groups = files.keys.filter { $0.dataGroup != nil }
        files[.com] = try LDSEncoding.efCOM(dataGroups: groups)
        var hashed: [Int: [UInt8]] = [:]
        for file in groups { hashed[file.dataGroup!] = files[file] }
        files[.sod] = try DocumentSecurityObject.sign(dataGroups: hashed, signer: signer, signingTime: signingTime)
        self.files = files
        bac = BACKeys(mrz: mrz)
        documentSigner = signer.certificate
    }

    /// The QR code drawn from `qrText`. Drawn on demand: choosing its mask is most of a card's QR cost, and a
    /// production batch hands the printer the text.
    public func qr() throws -> QRCodeImage { try QRCodeImage(text: qrText) }

    // MARK: The personalisation folder

    /// Writes `EF.COM`, `DG1.bin`, `DG2.bin`, `DG13.bin`, `EF.SOD`, `mrz.txt`, `qr.txt`, `qr.png`, `qr.svg` and
    /// `card.json` (the personalisation record) under a temporary name beside `directory`, which must not exist
    /// yet; `commit` renames it into place, so a caller can store the card between the two and remove the
    /// staging folder if that fails: nothing is left half-written.
    public func stage(beside directory: URL) throws -> URL {
        let manager = FileManager.default
        guard !manager.fileExists(atPath: directory.path) else { throw CardPersonalisationError.exists(directory.path) }
        let staging = directory.deletingLastPathComponent().appendingPathComponent(".\(directory.lastPathComponent).partial-\(UUID().uuidString)")
        try manager.createDirectory(at: staging, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        do {
            for (file, bytes) in files {
                try Data(bytes).write(to: staging.appendingPathComponent(file.fileName))
            }
            try Data((mrz.text + "\n").utf8).write(to: staging.appendingPathComponent("mrz.txt"))
            try Data(qrText.utf8).write(to: staging.appendingPathComponent("qr.txt"))
            let qr = try qr()
            try Data(try qr.png()).write(to: staging.appendingPathComponent("qr.png"))
            try Data(qr.svg().utf8).write(to: staging.appendingPathComponent("qr.svg"))
            try record().write(to: staging.appendingPathComponent("card.json"))
        } catch {
            try? manager.removeItem(at: staging)
            throw error
        }
        return staging
    }

    public func commit(_ staging: URL, to directory: URL) throws {
        guard rename(staging.path, directory.path) == 0 else {
            try? FileManager.default.removeItem(at: staging)
            throw CardPersonalisationError.exists(directory.path)
        }
    }

    /// The chip files of a personalisation folder.
    public static func readChipFiles(from directory: URL) throws -> [LDSFile: [UInt8]] {
        var files: [LDSFile: [UInt8]] = [:]
        for file in LDSFile.allCases {
            if let data = FileManager.default.contents(atPath: directory.appendingPathComponent(file.fileName).path) {
                files[file] = Array(data)
            }
        }
        guard !files.isEmpty else { throw CardPersonalisationError.noChipFiles(directory.path) }
        return files
    }

    /// card.json: what the printer and the card's later life need, with the SHA-256 of every chip file.
    public func record() throws -> Data {
        let record = Record(
            law: data.law.rawValue, printed: PrintedFields(data), card: data, mrz: mrz.lines, qr: .init(text: qrText, edition: data.qrEdition.rawValue),
            chip: files.keys.sorted().map { .init(file: $0.rawValue, sha256: Hex.string(SHA256.hash(data: files[$0]!), uppercase: true)) },
            bac: .init(kSeed: BACKeys.hex(bac.seed), kEnc: BACKeys.hex(bac.encryption), kMac: BACKeys.hex(bac.mac)),
            documentSigner: .init(subject: documentSigner.subject.description,
                                  serial: documentSigner.serialNumber.hex))
        // Keys spelt out in snake case: converting them took a fifth of the encoding time, which a production batch
        // pays ten thousand times. Sorted, so the same card always gives the same text.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(record)
    }

    struct Record: Encodable {
        struct QR: Encodable { let text: String; let edition: String }
        struct ChipFile: Encodable { let file: String; let sha256: String }
        struct BAC: Encodable {
            let kSeed: String
            let kEnc: String
            let kMac: String
            enum CodingKeys: String, CodingKey { case kSeed = "k_seed", kEnc = "k_enc", kMac = "k_mac" }
        }
        struct Signer: Encodable { let subject: String; let serial: String }
        enum CodingKeys: String, CodingKey { case law, printed, card, mrz, qr, chip, bac, documentSigner = "document_signer" }
        let law: String
        let printed: PrintedFields
        let card: CardData
        let mrz: [String]
        let qr: QR
        let chip: [ChipFile]
        let bac: BAC
        let documentSigner: Signer
    }
}

/// The fields printed on the card, as printed (dates dd/MM/yyyy, "Không thời hạn" for no expiry).
public struct PrintedFields: Codable, Hashable, Sendable {
    public let number: String
    public let name: String
    public let dateOfBirth: String
    public let sex: String
    public let nationality: String
    public let hometown: String
    public let residence: String
    public let issueDate: String
    public let expiry: String

    enum CodingKeys: String, CodingKey {
        case number, name, dateOfBirth = "date_of_birth", sex, nationality, hometown, residence, issueDate = "issue_date", expiry
    }

    public init(_ card: CardData) {
        number = card.pin.digits
        name = card.fullName.uppercased()
        dateOfBirth = card.birthDate.vietnamese
        sex = card.sex.vietnamese
        nationality = card.nationality
        // The 2024 card prints the place of birth registration where the 2021 card printed the hometown.
        hometown = card.law == .identification2023 && !card.birthRegistrationPlace.isEmpty ? card.birthRegistrationPlace : card.hometown
        residence = card.residence
        issueDate = PartialDate(card.issuedOn).vietnamese
        expiry = card.expiryText
    }
}

public enum CardPersonalisationError: Error, Equatable, Sendable, CustomStringConvertible {
    case faceImageRequired
    case exists(String)
    case noChipFiles(String)

    public var description: String {
        switch self {
        case .faceImageRequired: "no face image: the register holds none for this person and no photo was given (--photo FACE.jpg)"
        case .exists(let path): "\(path) already exists; personalisation never overwrites a card folder"
        case .noChipFiles(let path): "\(path) holds no chip files (EF.COM, DG1.bin, DG2.bin, DG13.bin, EF.SOD)"
        }
    }
}

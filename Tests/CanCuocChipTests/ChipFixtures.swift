import CanCuocChip
import CanCuocCore
import Crypto
import Foundation
import X509

/// A PKI in a temporary folder (cheap key encryption: these keys protect nothing), a resident and a face.
enum ChipFixtures {
    static let passphrase = "test passphrase for the card PKI"
    static let iterations = 1_000

    /// A 24 x 32 JPEG made with Pillow.
    static let faceJPEG = [UInt8](Data(base64Encoded: "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZGNywtQFdBRkxOUlNSMj5aYVpQYEpRUk//2wBDAQ4ODhMREyYVFSZPNS01T09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT0//wAARCAAgABgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDeoork/wDisP8APk1zpXOlux1lFFFIYUUUUAFFFFAH/9k=")!)

    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cancuoc-chip-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Removes the temporary folder of a PKI made by `pki(now:)`.
    static func remove(_ pki: PKIDirectory) {
        try? FileManager.default.removeItem(at: pki.url.deletingLastPathComponent())
    }

    static func pki(now: Date = Date()) throws -> (dir: PKIDirectory, signer: DocumentSigner) {
        let dir = PKIDirectory(url: temporaryDirectory().appendingPathComponent("pki"))
        try dir.initialise(passphrase: passphrase, now: now, iterations: iterations)
        return (dir, try dir.signer(passphrase: passphrase, on: now))
    }

    static func resident() throws -> Resident {
        var r = Resident(provinceCode: "38", pin: try PIN("038093001234"), fullName: "Lê Thị Hồng Nhung",
                         birthDate: try PartialDate(iso: "1993-01-05"), sex: .female, oldIdNumber: "172345678")
        r.permanentResidence = Address(unit: UnitRef(edition: .threeLevel, code: "16012"), street: "Thôn 3")
        r.hometown = Place(unit: UnitRef(edition: .threeLevel, code: "16012"))
        r.father = PersonLink(name: "Lê Văn Hùng")
        r.mother = PersonLink(name: "Phạm Thị Lan")
        return r
    }

    static func card(issued: String = "2021-07-24", signer: DocumentSigner) throws -> PersonalisedCard {
        let data = try CardData(resident: try resident(), issuedOn: try LocalDate(iso: issued))
        return try PersonalisedCard(data: data, faceJPEG: faceJPEG, signer: signer)
    }
}

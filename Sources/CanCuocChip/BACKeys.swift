import Foundation
import CanCuocCore
import Crypto

/// Basic Access Control keys (ICAO 9303 Part 11, 4.3 and 9.7.1): K_seed is the first 16 bytes of SHA-1 over
/// the MRZ information (document number, date of birth, date of expiry, each with its check digit); K_enc and
/// K_mac are the first 16 bytes of SHA-1(K_seed || counter 1 or 2), with DES parity bits adjusted.
public struct BACKeys: Hashable, Sendable, Codable {
    public let seed: [UInt8]
    public let encryption: [UInt8]
    public let mac: [UInt8]

    /// `documentNumber` as the MRZ writes it (9 characters, `<`-padded), dates YYMMDD as in the MRZ.
    public init(documentNumber: String, birthDate: String, expiryDate: String) {
        let info = [documentNumber, birthDate, expiryDate].map { $0 + String(MRZCheckDigit.character(for: $0)) }.joined()
        seed = Array(Insecure.SHA1.hash(data: Array(info.utf8)).prefix(16))
        encryption = Self.derive(seed, counter: 1)
        mac = Self.derive(seed, counter: 2)
    }

    /// The keys a reader derives from the card's MRZ (the 9-digit document number of line 1).
    public init(mrz: TD1MRZ) {
        self.init(documentNumber: mrz.documentNumber, birthDate: mrz.birthDateField, expiryDate: mrz.expiryField)
    }

    private static func derive(_ seed: [UInt8], counter: UInt8) -> [UInt8] {
        let digest = Insecure.SHA1.hash(data: seed + [0, 0, 0, counter])
        return digest.prefix(16).map(Self.withOddParity)
    }

    /// DES keys carry odd parity in the low bit of each byte.
    private static func withOddParity(_ byte: UInt8) -> UInt8 {
        let high = byte & 0xFE
        return high.nonzeroBitCount % 2 == 0 ? high | 1 : high
    }

    public static func hex(_ bytes: [UInt8]) -> String { Hex.string(bytes, uppercase: true) }
}

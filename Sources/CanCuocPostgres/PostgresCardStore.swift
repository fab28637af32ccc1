import CanCuocCore
import CanCuocStore
import Foundation
import PostgresNIO

/// Personalised cards on PostgreSQL.
struct PostgresCardStore: CardStore {
    let database: PostgresDatabase
    var logger: Logger { database.logger }

    static let columns = "id, province_code, resident_id, pin, issued_on, expires_on, law, signer_serial, created_at, record, ef_com, dg1, dg2, dg13, ef_sod, face_sealed, status, application_id, status_note, status_at"

    static func card(_ row: PostgresRow) throws -> StoredCard {
        let c = Array(row)
        var files: [String: Data] = [:]
        for (offset, name) in StoredCard.fileNames.enumerated() {
            if let data = try c[10 + offset].decode(Data?.self) { files[name] = data }
        }
        return StoredCard(
            id: try c[0].decode(Int64.self), provinceCode: try c[1].decode(String.self), residentID: try c[2].decode(Int64.self),
            pin: try c[3].decode(String.self), issuedOn: try LocalDate(iso: try c[4].decode(String.self)),
            expiresOn: try c[5].decode(String?.self).map { try LocalDate(iso: $0) }, law: try c[6].decode(String.self),
            signerSerial: try c[7].decode(String.self), createdAt: Date(microseconds: try c[8].decode(Int64.self)),
            record: try c[9].decode(String.self), files: files, sealedFace: try c[15].decode(Data?.self),
            status: try .stored(try c[16].decode(String.self), column: "cards.status"), applicationID: try c[17].decode(Int64?.self),
            statusNote: try c[18].decode(String.self), statusChangedAt: try c[19].decode(Int64?.self).map(Date.init(microseconds:)))
    }

    func save(_ card: StoredCard) async throws -> StoredCard {
        try await database.write { connection in try await Self.insert(card, on: connection, logger: logger) }
    }

    /// Inserts a card, superseding the resident's valid one (also used by production batches, inside their
    /// transaction).
    static func insert(_ card: StoredCard, on connection: PostgresConnection, logger: Logger) async throws -> StoredCard {
        let f = card.files
        let created = AuditChain.microseconds(card.createdAt)
        try await connection.query("""
            UPDATE cards SET status = 'superseded', status_at = \(created), status_note = 'thẻ mới'
            WHERE resident_id = \(card.residentID) AND province_code = \(card.provinceCode) AND status = 'valid'
            """, logger: logger)
        let id = try await connection.scalar("""
            INSERT INTO cards (province_code, resident_id, pin, issued_on, expires_on, law, signer_serial, created_at, record, ef_com, dg1, dg2, dg13, ef_sod, face_sealed, status, application_id, status_note)
            SELECT \(card.provinceCode), \(card.residentID), \(card.pin), \(card.issuedOn.description), \(card.expiresOn?.description),
                   \(card.law), \(card.signerSerial), \(created), \(card.record),
                   \(f["EF.COM"]), \(f["DG1"]), \(f["DG2"]), \(f["DG13"]), \(f["EF.SOD"]), \(card.sealedFace), 'valid', \(card.applicationID), ''
            WHERE EXISTS (SELECT 1 FROM residents WHERE id = \(card.residentID))
            RETURNING id
            """, as: Int64.self, logger: logger)
        guard let id else { throw StoreError.notFound }
        var saved = card
        saved.id = id
        saved.status = .valid
        return saved
    }

    func setStatus(cardID: Int64, to status: CardStatus, note: String, at: Date) async throws -> StoredCard {
        guard status == .lost || status == .revoked else { throw CardStatusError.notAllowed(status) }
        return try await database.write { connection in
            let changed = try await connection.scalar("""
                UPDATE cards SET status = \(status.rawValue), status_note = \(note), status_at = \(AuditChain.microseconds(at))
                WHERE id = \(cardID) AND status = 'valid' RETURNING id
                """, as: Int64.self, logger: logger)
            guard let card = try await connection.all(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM cards WHERE id = $1", binds: .single(cardID)),
                                                      logger: logger, Self.card).first else { throw StoreError.notFound }
            guard changed != nil else { throw CardStatusError.notValid(card.status) }
            return card
        }
    }

    func cards(residentID: ResidentID) async throws -> [StoredCard] {
        try await database.read { connection in
            try await connection.all(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM cards WHERE resident_id = $1 ORDER BY id DESC", binds: .single(residentID)),
                                     logger: logger, Self.card)
        }
    }

    func card(id: Int64) async throws -> StoredCard? {
        try await database.read { connection in
            try await connection.all(PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM cards WHERE id = $1", binds: .single(id)), logger: logger, Self.card)
        }.first
    }

    func sealedFaces(after id: Int64, limit: Int) async throws -> [SealedFace] {
        try await database.read { connection in
            try await connection.all("SELECT id, pin, face_sealed FROM cards WHERE id > \(id) AND face_sealed IS NOT NULL ORDER BY id LIMIT \(limit)",
                                     logger: logger) { row in
                let c = Array(row)
                return SealedFace(cardID: try c[0].decode(Int64.self), pin: try c[1].decode(String.self), sealed: try c[2].decode(Data.self))
            }
        }
    }

    func replaceSealedFace(cardID: Int64, sealed: Data) async throws {
        let changed = try await database.write { connection in
            try await connection.scalar("UPDATE cards SET face_sealed = \(sealed) WHERE id = \(cardID) RETURNING id", as: Int64.self, logger: logger)
        }
        guard changed != nil else { throw StoreError.notFound }
    }
}

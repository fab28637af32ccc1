import CanCuocCore
import CanCuocStore
import Foundation
import GRDB

/// Personalised cards in the SQLite file.
struct SQLiteCardStore: CardStore {
    let writer: any DatabaseWriter

    static let columns = "id, province_code, resident_id, pin, issued_on, expires_on, law, signer_serial, created_at, record, ef_com, dg1, dg2, dg13, ef_sod, face_sealed, status, application_id, status_note, status_at"

    static func card(_ row: Row) throws -> StoredCard {
        let issued: String = row[4], expires: String? = row[5]
        var files: [String: Data] = [:]
        for (offset, name) in StoredCard.fileNames.enumerated() {
            if let data: Data = row[10 + offset] { files[name] = data }
        }
        return StoredCard(id: row[0], provinceCode: row[1], residentID: row[2], pin: row[3], issuedOn: try LocalDate(iso: issued),
                          expiresOn: try expires.map { try LocalDate(iso: $0) }, law: row[6], signerSerial: row[7],
                          createdAt: Date(microseconds: row[8]), record: row[9], files: files, sealedFace: row[15],
                          status: try .stored(row[16], column: "cards.status"), applicationID: row[17], statusNote: row[18],
                          statusChangedAt: (row[19] as Int64?).map(Date.init(microseconds:)))
    }

    func save(_ card: StoredCard) async throws -> StoredCard {
        try await writer.write { db in try Self.insert(card, db) }
    }

    /// Inserts a card, superseding the resident's valid one (also used by production batches, inside their
    /// transaction).
    static func insert(_ card: StoredCard, _ db: Database) throws -> StoredCard {
        // Cached statements: a production batch inserts thousands of cards in a row.
        guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM residents WHERE id = ?)"), arguments: [card.residentID]) == true else {
            throw StoreError.notFound
        }
        let created = AuditChain.microseconds(card.createdAt)
        try db.cachedStatement(sql: "UPDATE cards SET status = 'superseded', status_at = ?, status_note = 'thẻ mới' WHERE resident_id = ? AND status = 'valid'")
            .execute(arguments: [created, card.residentID])
        var values: [(any DatabaseValueConvertible)?] = [card.provinceCode, card.residentID, card.pin, card.issuedOn.description,
                                                       card.expiresOn?.description, card.law, card.signerSerial, created, card.record]
        values += StoredCard.fileNames.map { card.files[$0] }
        values += [card.sealedFace, CardStatus.valid.rawValue, card.applicationID, ""]
        try db.cachedStatement(sql: """
            INSERT INTO cards (province_code, resident_id, pin, issued_on, expires_on, law, signer_serial, created_at, record, ef_com, dg1, dg2, dg13, ef_sod, face_sealed, status, application_id, status_note)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: StatementArguments(values))
        var saved = card
        saved.id = db.lastInsertedRowID
        saved.status = .valid
        return saved
    }

    func setStatus(cardID: Int64, to status: CardStatus, note: String, at: Date) async throws -> StoredCard {
        guard status == .lost || status == .revoked else { throw CardStatusError.notAllowed(status) }
        return try await writer.write { db in
            try db.execute(sql: "UPDATE cards SET status = ?, status_note = ?, status_at = ? WHERE id = ? AND status = 'valid'",
                           arguments: [status.rawValue, note, AuditChain.microseconds(at), cardID])
            guard let card = try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM cards WHERE id = ?", arguments: [cardID]).map(Self.card) else {
                throw StoreError.notFound
            }
            guard db.changesCount == 1 else { throw CardStatusError.notValid(card.status) }
            return card
        }
    }

    func cards(residentID: ResidentID) async throws -> [StoredCard] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM cards WHERE resident_id = ? ORDER BY id DESC", arguments: [residentID]).map(Self.card)
        }
    }

    func card(id: Int64) async throws -> StoredCard? {
        try await writer.read { db in try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM cards WHERE id = ?", arguments: [id]).map(Self.card) }
    }

    func sealedFaces(after id: Int64, limit: Int) async throws -> [SealedFace] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id, pin, face_sealed FROM cards WHERE id > ? AND face_sealed IS NOT NULL ORDER BY id LIMIT ?",
                             arguments: [id, limit]).map { SealedFace(cardID: $0[0], pin: $0[1], sealed: $0[2]) }
        }
    }

    func replaceSealedFace(cardID: Int64, sealed: Data) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE cards SET face_sealed = ? WHERE id = ?", arguments: [sealed, cardID])
            guard db.changesCount == 1 else { throw StoreError.notFound }
        }
    }
}

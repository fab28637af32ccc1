import CanCuocChip
import CanCuocStore
import Crypto
import Foundation

/// The folder a batch is exported into for the card printer, written aside as `.batch-<id>.partial` and renamed
/// to `batch-<id>` when complete: one sub-folder per card (its chip files and card.json), `manifest.jsonl` (one
/// line per card, in application order) and `batch.json` (counts and failures). Cards are written as they are
/// made, so a production run writes each file once.
struct BatchFolder: Sendable {
    let batchID: Int64
    let folder: URL
    let staging: URL

    /// A card's line in manifest.jsonl.
    struct Entry: Sendable {
        let applicationID: Int64
        let line: Data
    }

    /// Starts afresh: a staging folder left by an interrupted run is removed.
    init(batchID: Int64, parent: URL) throws {
        self.batchID = batchID
        folder = parent.appendingPathComponent("batch-\(batchID)")
        staging = parent.appendingPathComponent(".batch-\(batchID).partial")
        try? FileManager.default.removeItem(at: staging)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Writes one card's folder (named by its application id); returns its manifest line.
    func write(applicationID: Int64, receiptCode: String, card: StoredCard, files: [LDSFile: [UInt8]]) throws -> Entry {
        let name = String(applicationID)
        let cardFolder = staging.path + "/" + name
        guard mkdir(cardFolder, 0o700) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: cardFolder]) }
        for (file, bytes) in files { try FastFileWriter.write(bytes, to: cardFolder + "/" + file.fileName) }
        try FastFileWriter.write(Array(card.record.utf8), to: cardFolder + "/card.json")
        let line = ManifestLine(
            applicationId: applicationID, receiptCode: receiptCode, cardId: card.id, cardNumber: card.pin, folder: name,
            issuedOn: card.issuedOn.description, expiresOn: card.expiresOn?.description,
            efSodSha256: files[.sod].map { Hex.string(SHA256.hash(data: $0), uppercase: true) } ?? "")
        return Entry(applicationID: applicationID, line: try line.json())
    }

    /// Writes the manifest and batch.json, then renames the folder into place (replacing an earlier export).
    func finish(entries: [Entry], batch: ProductionBatch, failures: [BatchItem], exportedAt: Date) throws {
        var manifest = Data()
        for entry in entries.sorted(by: { $0.applicationID < $1.applicationID }) {
            manifest.append(entry.line)
            manifest.append(0x0A)
        }
        try manifest.write(to: staging.appendingPathComponent("manifest.jsonl"))
        let summary: [String: Any] = [
            "batch_id": batch.id, "province_code": batch.provinceCode, "cards": batch.done, "failed": batch.failed,
            "created_at": ISO8601DateFormatter().string(from: batch.createdAt), "exported_at": ISO8601DateFormatter().string(from: exportedAt),
            "failures": failures.map { ["application_id": $0.applicationID, "problem": $0.problem] as [String: Any] },
        ]
        try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys, .prettyPrinted]).write(to: staging.appendingPathComponent("batch.json"))
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.moveItem(at: staging, to: folder)
    }

    /// Removes the staging folder after a failure.
    func abandon() {
        try? FileManager.default.removeItem(at: staging)
    }

    struct ManifestLine: JSONText {
        let applicationId: Int64
        let receiptCode: String
        let cardId: Int64
        let cardNumber: String
        let folder: String
        let issuedOn: String
        let expiresOn: String?
        let efSodSha256: String

        enum CodingKeys: String, CodingKey {
            case applicationId = "application_id", receiptCode = "receipt_code", cardId = "card_id", cardNumber = "card_number", folder
            case issuedOn = "issued_on", expiresOn = "expires_on", efSodSha256 = "ef_sod_sha256"
        }
    }
}

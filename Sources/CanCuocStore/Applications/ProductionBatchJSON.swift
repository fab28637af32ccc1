import Foundation

/// A production batch as the API and the command line write it.
public struct ProductionBatchJSON: JSONText, Sendable {
    let id: Int64
    let provinceCode: String
    let state: String
    let pending: Int
    let done: Int
    let failed: Int
    let exportedTo: String?
    let createdBy: String
    let createdAt: String

    enum CodingKeys: String, CodingKey {
        case id, provinceCode = "province_code", state, pending, done, failed, exportedTo = "exported_to", createdBy = "created_by", createdAt = "created_at"
    }

    public init(_ b: ProductionBatch) {
        (id, provinceCode, state, pending, done, failed) = (b.id, b.provinceCode, b.state.rawValue, b.pending, b.done, b.failed)
        (exportedTo, createdBy) = (b.exportedTo, b.createdBy)
        createdAt = ISO8601DateFormatter.string(from: b.createdAt, timeZone: .gmt, formatOptions: .withInternetDateTime)
    }
}

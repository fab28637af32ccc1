import Foundation

/// Who made a version of a record, when and why. Every change to a record is a new version.
public struct RecordVersion: Codable, Sendable, Hashable {
    public var number: Int
    public var recordedAt: Date
    public var recordedBy: String
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case number, reason, recordedAt = "recorded_at", recordedBy = "recorded_by"
    }

    public init(number: Int, recordedAt: Date, recordedBy: String, reason: String) {
        self.number = number
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
        self.reason = reason
    }
}

/// A resident's state in one version.
public struct VersionedResident: Codable, Sendable, Hashable {
    public var resident: Resident
    public var version: RecordVersion

    public init(resident: Resident, version: RecordVersion) {
        self.resident = resident
        self.version = version
    }
}

/// The author and purpose of a change, given by whoever asks the store to write.
public struct ChangeContext: Sendable {
    public var actor: String
    public var reason: String
    public var at: Date

    public init(actor: String, reason: String, at: Date) {
        self.actor = actor
        self.reason = reason
        self.at = at
    }
}

import CanCuocCore
import Foundation

/// A record with its columns computed ahead (`ResidentColumns.values`: search terms, JSON parts), so
/// that this costly part of a load can run on another thread than the load's writer, which then only
/// fills in what the load decides: the id, the household, an allocated PIN, the version.
public struct EncodedResident: Sendable {
    public private(set) var resident: Resident
    public private(set) var columns: [ColumnValue]

    public init(_ resident: Resident) {
        self.resident = resident
        let unstamped = RecordVersion(number: 1, recordedAt: Date(timeIntervalSince1970: 0), recordedBy: "", reason: "")
        columns = ResidentColumns.values(resident, id: nil, version: unstamped)
    }

    public var householdId: HouseholdID? {
        get { resident.householdId }
        set {
            resident.householdId = newValue
            columns[ResidentColumns.householdColumn] = newValue.map(ColumnValue.integer) ?? .null
        }
    }

    public mutating func assign(id: ResidentID) {
        resident.id = id
        columns[ResidentColumns.idColumn] = .integer(id)
    }

    public mutating func assign(pin: PIN) {
        resident.pin = pin
        columns[ResidentColumns.pinColumn] = .text(pin.digits)
    }

    public mutating func stamp(_ version: RecordVersion) {
        columns.replaceSubrange(ResidentColumns.versionColumns, with: ResidentColumns.versionValues(version))
    }
}

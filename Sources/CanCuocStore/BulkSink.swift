import CanCuocCore

/// Receives rows one at a time inside a single load transaction (`BulkLoader.loadStreaming`), so a
/// large file is loaded all or nothing without holding it in memory.
public protocol BulkSink {
    /// Inserts a household and returns its id.
    mutating func add(_ household: Household) throws -> HouseholdID
    /// Inserts a resident (its `householdId` already set); a missing PIN is allocated.
    mutating func add(_ resident: EncodedResident) throws
    /// Which of these PINs were issued, and which old ID numbers belong to a record, in the register
    /// the load started from; asked before the rows are added.
    mutating func alreadyRegistered(pins: [PIN], oldIDs: [String]) throws -> (pins: Set<PIN>, oldIDs: Set<String>)
}

import CanCuocCore

/// Receives rows one at a time inside a single load transaction (`BulkLoader.loadStreaming`), so a
/// large file is loaded all or nothing without holding it in memory.
public protocol BulkSink {
    /// Inserts a household and returns its id.
    mutating func add(_ household: Household) throws -> HouseholdID
    /// Inserts a resident (its `householdId` already set); a missing PIN is allocated.
    mutating func add(_ resident: Resident) throws
}

import CanCuocCore

extension RawRepresentable where RawValue == String {
    /// A value read back from the database. A text the code does not know is a damaged row, reported as such:
    /// never silently replaced by a default (a card read back as "valid", a batch as "open").
    public static func stored(_ text: String, column: String) throws -> Self {
        guard let value = Self(rawValue: text) else { throw StoreError.corrupt(column: column) }
        return value
    }
}

extension UnitRef {
    /// A unit reference read back from the database ("EDITION/CODE").
    public static func stored(_ text: String, column: String) throws -> UnitRef {
        guard let ref = UnitRef(text: text) else { throw StoreError.corrupt(column: column) }
        return ref
    }
}

import CanCuocCore

/// Column lists as the stores write them in SQL ("a, b, c"), on either backend. Hot queries keep what
/// these build in a `static let`: building it per request cost a tenth of a PIN look-up.
public enum ColumnList {
    /// The columns prefixed with a table alias ("t.a, t.b, t.c"), for joins.
    public static func qualified(_ columns: String, _ alias: String) -> String {
        columns.split(separator: ",").map { alias + "." + String($0).trimmed }.joined(separator: ", ")
    }

    public static func count(_ columns: String) -> Int { columns.split(separator: ",").count }
}

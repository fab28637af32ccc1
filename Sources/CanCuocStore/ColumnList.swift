/// Column lists as the stores write them in SQL ("a, b, c"), on either backend.
public enum ColumnList {
    /// The columns prefixed with a table alias ("t.a, t.b, t.c"), for joins.
    public static func qualified(_ columns: String, _ alias: String) -> String {
        columns.split(separator: ",").map { alias + "." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
    }

    public static func count(_ columns: String) -> Int { columns.split(separator: ",").count }
}

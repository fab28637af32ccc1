import Foundation

/// Vietnamese name frequencies shipped as Resources/names.csv (kind, name, weight): surnames with
/// their national shares (Nguyễn about 38%, Trần 11%, Lê 9.5%, Phạm 7% ...), surnames of the Mường and
/// Thái, middle names by sex and generation, given names by sex.
public struct NameLists: Sendable {
    public let tables: [String: WeightedTable<String>]

    public static let shared: NameLists = {
        var entries: [String: [(String, Double)]] = [:]
        let url = CoreResources.directory.appendingPathComponent("names.csv")
        do {
            try CSVReader(contentsOf: url).forEachRecord { line, fields in
                guard line > 1, fields.count == 3, let weight = Double(fields[2]) else { return }
                entries[fields[0], default: []].append((fields[1], weight))
            }
        } catch {
            fatalError("names.csv shipped with CanCuoc is unreadable: \(error)")
        }
        return NameLists(tables: entries.mapValues(WeightedTable.init))
    }()

    public func table(_ kind: String) -> WeightedTable<String> {
        guard let table = tables[kind] else { fatalError("names.csv has no '\(kind)' rows") }
        return table
    }
}

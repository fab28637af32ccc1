import Foundation

/// One of Viet Nam's 54 official ethnic groups (GSO code list, Decision 121-TCTK/PPCĐ, 1979),
/// shipped as Resources/ethnic-groups.csv.
public struct Ethnicity: Hashable, Sendable, Codable {
    public let code: String
    public let name: String

    public static let all: [Ethnicity] = {
        var list: [Ethnicity] = []
        let url = CoreResources.directory.appendingPathComponent("ethnic-groups.csv")
        do {
            try CSVReader(contentsOf: url).forEachRecord { line, fields in
                if line > 1, fields.count >= 2 { list.append(Ethnicity(code: fields[0], name: fields[1])) }
            }
        } catch {
            fatalError("ethnic-groups.csv shipped with CanCuoc is unreadable: \(error)")
        }
        return list
    }()

    private static let byCode: [String: Ethnicity] = Dictionary(uniqueKeysWithValues: all.map { ($0.code, $0) })

    public static func named(code: String) -> Ethnicity? { byCode[code] }

    public static let kinh = byCode["01"]!
}

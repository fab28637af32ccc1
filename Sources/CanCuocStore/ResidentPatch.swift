import CanCuocCore
import Foundation

/// JSON merge patch (RFC 7396) on a resident record: the record's JSON form (snake_case keys, as the API
/// writes it), the patch merged in,
/// decoded back so that every type rule applies to the result.
public enum ResidentPatch {
    public static func apply(_ patch: [String: Any], to resident: Resident) throws -> Resident {
        let encoder = JSONEncoder()
        let current = try JSONSerialization.jsonObject(with: encoder.encode(resident)) as? [String: Any] ?? [:]
        let merged = merge(current, patch)
        let data = try JSONSerialization.data(withJSONObject: merged)
        do {
            let decoder = JSONDecoder()
            return try decoder.decode(Resident.self, from: data)
        } catch let DecodingError.dataCorrupted(context), let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw StoreError.invalid([FieldProblem(field: path(context.codingPath), code: "invalid", message: context.debugDescription)])
        } catch let DecodingError.keyNotFound(key, context) {
            throw StoreError.invalid([FieldProblem(field: path(context.codingPath + [key]), code: "required", message: "\(key.stringValue) is required")])
        }
    }

    static func merge(_ target: [String: Any], _ patch: [String: Any]) -> [String: Any] {
        var result = target
        for (key, value) in patch {
            if value is NSNull {
                result.removeValue(forKey: key)
            } else if let nested = value as? [String: Any] {
                result[key] = merge(result[key] as? [String: Any] ?? [:], nested)
            } else {
                result[key] = value
            }
        }
        return result
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}

import CanCuocCore
import Foundation
import Hummingbird

/// JSON responses in the API's form: snake_case keys (each type names its own; a key strategy costs a
/// string conversion per key per response), sorted, ISO-8601 instants.
enum JSONResponse {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder().encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A body already written as JSON (the hand-written record writer, see ResidentJSON).
    static func raw(_ json: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    static func record(_ record: VersionedResident) -> Response {
        var json = ""
        ResidentJSON.versioned(record, into: &json)
        return raw(json)
    }

    static func error(_ error: APIError) -> Response {
        let body = ErrorBody(error: .init(code: error.code, message: error.message, problems: error.problems.isEmpty ? nil : error.problems))
        let data = (try? encoder().encode(body)) ?? Data(#"{"error":{"code":"internal","message":"internal error"}}"#.utf8)
        return Response(status: error.status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Reads a JSON object body (for merge patches, which need the raw keys).
    static func object(from request: Request, context: AppRequestContext) async throws -> [String: Any] {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any] else {
            throw APIError.badRequest("bad_json", "the request body must be a JSON object")
        }
        return object
    }

    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: AppRequestContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let decoder = JSONDecoder()
        do {
            return try decoder.decode(type, from: Data(buffer: buffer))
        } catch let DecodingError.dataCorrupted(context), let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            throw APIError(.badRequest, "bad_json", field.isEmpty ? "the request body is not valid JSON" : "\(field): \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError(.badRequest, "missing_field", "\(key.stringValue) is required")
        }
    }
}

import Foundation
import Hummingbird
import MultipartKit

/// The parts of a multipart/form-data body (the console's capture form), by field name.
struct MultipartForm {
    struct Part {
        let name: String
        let filename: String?
        let bytes: [UInt8]
    }

    let parts: [Part]

    /// The largest form accepted: fourteen images, each within its kind's limit.
    static let limit = 8 << 20

    static func isMultipart(_ request: Request) -> Bool {
        request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true
    }

    /// Reads the request's body (at most `limit` bytes) with MultipartKit's parser.
    static func of(_ request: Request) async throws -> MultipartForm {
        try parse(try await request.body.collect(upTo: limit), contentType: request.headers[.contentType] ?? "")
    }

    static func parse(_ buffer: ByteBuffer, contentType: String) throws -> MultipartForm {
        guard contentType.lowercased().hasPrefix("multipart/form-data"), let boundary = parameter("boundary", in: contentType) else {
            throw APIError.badRequest("bad_form", "the form must be sent as multipart/form-data")
        }
        var parts: [Part] = []
        var headers: [String: String] = [:]
        var body: [UInt8] = []
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { chunk in body += chunk.readableBytesView }
        parser.onPartComplete = {
            let disposition = headers["content-disposition"] ?? ""
            if let name = Self.parameter("name", in: disposition) {
                parts.append(Part(name: name, filename: Self.parameter("filename", in: disposition), bytes: body))
            }
            headers = [:]
            body = []
        }
        do { try parser.execute(buffer) } catch { throw APIError.badRequest("bad_form", "the form data cannot be read") }
        return MultipartForm(parts: parts)
    }

    static func parameter(_ key: String, in header: String) -> String? {
        for item in header.split(separator: ";") {
            let pair = item.trimmingCharacters(in: .whitespaces)
            if pair.hasPrefix(key + "=") { return String(pair.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }

    subscript(name: String) -> Part? { parts.last { $0.name == name } }

    /// A text field's value.
    func text(_ name: String) -> String? { self[name].map { String(decoding: $0.bytes, as: UTF8.self) } }
}

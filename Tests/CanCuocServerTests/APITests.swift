import CanCuocCore
import CanCuocSQLite
import CanCuocServer
import CanCuocStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The real application on an in-memory register, driven through its router.
@Suite struct APITests {
    static func withApp(_ test: @escaping @Sendable (AuthedClient, any RegisterStore) async throws -> Void) async throws {
        try await TestApp.run(test)
    }

    /// The body as a JSON object ([:] when it is not one, which then fails the expectations that read it).
    static func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
    }

    static func errorCode(_ response: TestResponse) -> String? {
        let object = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        return (object?["error"] as? [String: Any])?["code"] as? String
    }

    static func body(_ object: [String: Any]) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
    }

    static let jsonHeaders: HTTPFields = [.contentType: "application/json"]

    static var newResident: [String: Any] { [
        "province_code": "38", "full_name": "Hoàng Thị Lan", "birth_date": "2003-04-15", "sex": "female",
        "ethnicity_code": "01", "religion": "Không", "nationality": "Việt Nam", "other_names": [], "documents": [], "children": [],
        "born_abroad": false, "birth_registered_abroad": false,
        "permanent_residence": ["unit": ["edition": "2025-01", "code": "14971"], "street": "Thôn 5"],
    ] }

    @Test func healthAndMetrics() async throws {
        try await Self.withApp { client, _ in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(Self.json(response)["backend"] as? String == "sqlite")
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("cancuoc_residents_created_total"))
            }
        }
    }

    @Test func units() async throws {
        try await Self.withApp { client, _ in
            try await client.execute(uri: "/api/v1/units/38?edition=2025-01", method: .get) { response in
                #expect(response.status == .ok)
                #expect(Self.json(response)["name"] as? String == "Tỉnh Thanh Hóa")
            }
            try await client.execute(uri: "/api/v1/units/38/children?on=2021-02-10", method: .get) { response in
                #expect((Self.json(response)["units"] as? [Any])?.count == 26)
            }
            try await client.execute(uri: "/api/v1/units/38/children?on=2025-08-01", method: .get) { response in
                #expect((Self.json(response)["units"] as? [Any])?.count == 166)
            }
            try await client.execute(uri: "/api/v1/units?q=hoang%20hoa&edition=2025-01&level=district", method: .get) { response in
                let units = try #require(Self.json(response)["units"] as? [[String: Any]])
                #expect(units.first?["full_path"] as? String == "Huyện Hoằng Hóa, Tỉnh Thanh Hóa")
            }
            try await client.execute(uri: "/api/v1/units/99999?edition=2025-01", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(Self.errorCode(response) == "unknown_unit")
            }
            try await client.execute(uri: "/api/v1/units/38?on=2021-02-30", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(Self.errorCode(response) == "bad_date")
            }
            try await client.execute(uri: "/api/v1/units?q=x&edition=1999", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func residentLifecycleThroughTheAPI() async throws {
        try await Self.withApp { client, _ in
            let created = try await client.execute(uri: "/api/v1/residents", method: .post, headers: Self.jsonHeaders,
                                                   body: try Self.body(["reason": "đăng ký khai sinh muộn", "resident": Self.newResident])) { response in
                #expect(response.status == .created)
                return Self.json(response)
            }
            let resident = try #require(created["resident"] as? [String: Any])
            let id = try #require(resident["id"] as? Int)
            let pin = try #require(resident["pin"] as? String)
            #expect(pin.hasPrefix("0383"))

            try await client.execute(uri: "/api/v1/residents/search", method: .post, headers: Self.jsonHeaders, body: try Self.body(["pin": pin])) { response in
                let items = try #require(Self.json(response)["items"] as? [[String: Any]])
                #expect(items.count == 1)
            }
            try await client.execute(uri: "/api/v1/residents/search", method: .post, headers: Self.jsonHeaders,
                                     body: try Self.body(["name": "hoang thi lan", "birth_date": "2003"])) { response in
                #expect((Self.json(response)["items"] as? [Any])?.count == 1)
            }
            try await client.execute(uri: "/api/v1/residents/\(pin)", method: .get) { response in
                #expect((Self.json(response)["resident"] as? [String: Any])?["id"] as? Int == id)
            }
            // Personal data never rides in a URL's query string.
            try await client.execute(uri: "/api/v1/residents?pin=\(pin)", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(Self.errorCode(response) == "personal_data_in_url")
            }
            try await client.execute(uri: "/api/v1/residents/\(id)", method: .patch, headers: Self.jsonHeaders,
                                     body: try Self.body(["reason": "bổ sung", "expected_version": 1, "changes": ["phone": "0987654321"]])) { response in
                #expect(response.status == .ok)
                #expect((Self.json(response)["version"] as? [String: Any])?["number"] as? Int == 2)
            }
            try await client.execute(uri: "/api/v1/residents/\(id)", method: .patch, headers: Self.jsonHeaders,
                                     body: try Self.body(["reason": "cũ", "expected_version": 1, "changes": ["phone": "0911111111"]])) { response in
                #expect(response.status == .conflict)
                #expect(Self.errorCode(response) == "version_conflict")
            }
            try await client.execute(uri: "/api/v1/residents/\(id)/history", method: .get) { response in
                #expect((Self.json(response)["versions"] as? [Any])?.count == 2)
            }
            let today = LocalDate(Date())
            try await client.execute(uri: "/api/v1/residents/\(id)/as-of/\(today)", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/residents/\(id)/as-of/2020-01-01", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/residents/\(id)/pin-reestablishment", method: .post, headers: Self.jsonHeaders,
                                     body: try Self.body(["reason": "sửa năm sinh", "birth_date": "2004-04-15"])) { response in
                #expect(response.status == .ok)
                let updated = try #require((Self.json(response)["resident"] as? [String: Any])?["pin"] as? String)
                #expect(updated.hasPrefix("038304"))
            }
        }
    }

    @Test func badInputGetsA4xxWithACode() async throws {
        try await Self.withApp { client, _ in
            let search = "/api/v1/residents/search"
            let cases: [(String, HTTPRequest.Method, ByteBuffer?, HTTPResponse.Status, String)] = [
                (search, .post, try Self.body(["pin": "12345"]), .badRequest, "pin_length"),
                (search, .post, try Self.body(["pin": "03809300123X"]), .badRequest, "pin_not_digits"),
                (search, .post, try Self.body(["birth_date": "1990-02-30"]), .badRequest, "bad_date"),
                (search, .post, try Self.body(["old_id": "12"]), .badRequest, "bad_old_id"),
                (search, .post, try Self.body(["name": ["x"]]), .badRequest, "bad_field"),
                (search, .post, try Self.body(["page": 0, "name": "an"]), .badRequest, "bad_page"),
                (search, .post, try Self.body([:]), .badRequest, "no_criteria"),
                ("/api/v1/residents?commune=77777", .get, nil, .badRequest, "unknown_unit"),
                ("/api/v1/residents?name=an", .get, nil, .badRequest, "personal_data_in_url"),
                ("/api/v1/residents", .get, nil, .badRequest, "no_criteria"),
                ("/api/v1/residents/424242", .get, nil, .notFound, "not_found"),
                ("/api/v1/residents/abc", .get, nil, .notFound, "not_found"),
                ("/api/v1/residents/1/as-of/2021-13-01", .get, nil, .badRequest, "bad_date"),
                ("/api/v1/nothing-here", .get, nil, .notFound, "not_found"),
                ("/api/v1/residents", .post, ByteBuffer(string: "{not json"), .badRequest, "bad_json"),
                ("/api/v1/residents", .post, try Self.body(["resident": Self.newResident]), .badRequest, "missing_field"),
                ("/api/v1/residents/1", .patch, try Self.body(["changes": ["phone": "1"]]), .badRequest, "missing_field"),
                ("/api/v1/residents/1", .patch, try Self.body(["reason": "x", "changes": ["birth_date": "1990-02-30"]]), .unprocessableContent, "invalid_record"),
                ("/api/v1/residents/1", .patch, try Self.body(["reason": "x", "changes": ["pin": "038090000001"]]), .unprocessableContent, "invalid_record"),
                ("/api/v1/pins/038093001234x", .get, nil, .badRequest, "pin_length"),
            ]
            for (uri, method, body, status, code) in cases {
                try await client.execute(uri: uri, method: method, headers: Self.jsonHeaders, body: body) { response in
                    #expect(response.status == status, "\(method) \(uri)")
                    #expect(Self.errorCode(response) == code, "\(method) \(uri)")
                }
            }
            var invalid = Self.newResident
            invalid["ethnicity_code"] = "77"
            invalid["birth_date"] = "2090-01-01"
            try await client.execute(uri: "/api/v1/residents", method: .post, headers: Self.jsonHeaders,
                                     body: try Self.body(["reason": "x", "resident": invalid])) { response in
                #expect(response.status == .unprocessableContent)
                let problems = try #require((Self.json(response)["error"] as? [String: Any])?["problems"] as? [[String: Any]])
                #expect(Set(problems.compactMap { $0["field"] as? String }) == ["ethnicity_code", "birth_date"])
            }
            let huge = ByteBuffer(repeating: UInt8(ascii: "a"), count: 2 << 20)
            try await client.execute(uri: "/api/v1/residents", method: .post, headers: Self.jsonHeaders, body: huge) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
    }

    @Test func decodesPINs() async throws {
        try await Self.withApp { client, _ in
            try await client.execute(uri: "/api/v1/pins/038193001234", method: .get) { response in
                let object = Self.json(response)
                #expect(object["province_name"] as? String == "Tỉnh Thanh Hóa")
                #expect(object["sex"] as? String == "female")
                #expect(object["birth_year"] as? Int == 1993)
            }
        }
    }
}

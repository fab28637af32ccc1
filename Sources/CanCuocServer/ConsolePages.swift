import CanCuocCore
import Foundation
import Hummingbird
import Mustache

/// Renders the console's pages from the Mustache templates shipped in Resources/templates.
struct ConsolePages: Sendable {
    let library: MustacheLibrary
    let provinceName: String
    let stylesheet: [UInt8]

    init(config: AppConfig, dependencies: AppDependencies) async throws {
        let resources = Bundle.module.bundleURL.appendingPathComponent("Resources")
        library = try await MustacheLibrary(directory: resources.appendingPathComponent("templates").path)
        stylesheet = Array(try Data(contentsOf: resources.appendingPathComponent("static/app.css")))
        let province = dependencies.catalog.unit(UnitRef(edition: .threeLevel, code: config.provinceCode))
            ?? dependencies.catalog.unit(UnitRef(edition: .twoLevel, code: config.provinceCode))
        provinceName = province?.name ?? config.provinceCode
    }

    func render(_ template: String, _ model: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        var context = model
        context["provinceName"] = provinceName
        let html = library.render(context, withTemplate: template) ?? "<!DOCTYPE html><title>CanCuoc</title><p>Template \(template) is missing.</p>"
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func errorPage(_ error: APIError) -> Response {
        let heading = switch error.status {
        case .notFound: "Không tìm thấy"
        case .badRequest, .unprocessableContent: "Dữ liệu không hợp lệ"
        default: "Đã có lỗi"
        }
        // A generic message for server faults: details stay in the log.
        let message = error.status.code >= 500 ? "Hệ thống gặp lỗi, vui lòng thử lại." : error.message
        return render("error", ["heading": heading, "message": message], status: error.status)
    }
}

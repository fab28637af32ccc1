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

    /// A page for a signed-in officer: the layout shows who is signed in, the links the role may use,
    /// and sign-out forms carrying the session's CSRF token.
    func render(_ template: String, _ model: [String: Any], context: AppRequestContext, status: HTTPResponse.Status = .ok) -> Response {
        var model = model
        if let identity = context.identity {
            let permissions = identity.permissions
            model["user"] = identity.account.displayName
            model["roleTitle"] = identity.account.role.title
            model["csrf"] = identity.session?.csrfToken ?? ""
            model["canSearch"] = permissions.contains(.readResidents)
            model["canManage"] = permissions.contains(.manageAccounts)
            model["canAudit"] = permissions.contains(.readAudit)
            model["canApplications"] = permissions.contains(.readApplications)
            model["canIntake"] = permissions.contains(.takeApplications)
            model["canCorrect"] = permissions.contains(.writeResidents)
            model["canProduce"] = permissions.contains(.produceCards)
        }
        return render(template, model, status: status)
    }

    func errorPage(_ error: APIError) -> Response {
        let heading = switch error.status {
        case .notFound: "Không tìm thấy"
        case .forbidden: "Không có quyền"
        case .tooManyRequests: "Quá nhiều yêu cầu"
        case .badRequest, .unprocessableContent: "Dữ liệu không hợp lệ"
        default: "Đã có lỗi"
        }
        // A generic message for server faults: details stay in the log.
        let message = error.status.code >= 500 ? "Hệ thống gặp lỗi, vui lòng thử lại." : error.message
        return render("error", ["heading": heading, "message": message], status: error.status)
    }
}

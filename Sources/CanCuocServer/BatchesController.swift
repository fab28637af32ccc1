import CanCuocChip
import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird

/// Production batches for card production (cards.produce): API under `/api/v1/batches` and the console's
/// `/batches` pages. Steps: `run` (personalise and export; only on a server given the PKI passphrase),
/// `printed`, `dispatched`.
struct BatchesController {
    let service: ApplicationService
    let keys: KeyRing
    let production: BatchProduction?
    let pages: ConsolePages
    let audit: AuditRecorder

    var store: any RegisterStore { service.store }

    struct CreateRequest: Decodable {
        let size: Int?
    }

    func add(to router: Router<AppRequestContext>) {
        router.get(Routes.apiBatches) { _, context in
            let identity = try context.require(.produceCards)
            return try JSONResponse.make(try await batches(identity).map(ProductionBatchJSON.init))
        }
        router.post(Routes.apiBatches) { request, context in
            let identity = try context.require(.produceCards)
            let body = try await JSONResponse.decode(CreateRequest.self, from: request, context: context)
            let batch = try await create(size: body.size ?? 1000, identity: identity, request: request, context: context)
            return try JSONResponse.make(ProductionBatchJSON(batch), status: .created)
        }
        router.get(Routes.apiBatch) { _, context in
            let identity = try context.require(.produceCards)
            return try JSONResponse.make(ProductionBatchJSON(try await batch(context, identity)))
        }
        router.post(Routes.apiBatchStep) { request, context in
            let identity = try context.require(.produceCards)
            let batch = try await batch(context, identity)
            return try JSONResponse.make(ProductionBatchJSON(try await step(context.parameters.get("step") ?? "", batch, identity, request, context)))
        }
        router.get(Routes.batchesPage) { request, context in
            let identity = try context.require(.produceCards)
            return try await listPage(identity, context, message: request.uri.queryParameters.get("message"))
        }
        router.post(Routes.batchesPage) { request, context in
            let identity = try context.require(.produceCards)
            let form = try await FormFields.of(request, context: context)
            do {
                let batch = try await create(size: Int(form["size"] ?? "") ?? 0, identity: identity, request: request, context: context)
                return AuthController.redirect("/batches/\(batch.id)")
            } catch {
                guard let mapped = APIError.from(error), mapped.status.code < 500 else { throw error }
                return try await listPage(identity, context, message: mapped.message, status: mapped.status)
            }
        }
        router.get(Routes.batchPage) { request, context in
            let identity = try context.require(.produceCards)
            return try await batchPage(try await batch(context, identity), context)
        }
        router.post(Routes.batchStep) { request, context in
            let identity = try context.require(.produceCards)
            let batch = try await batch(context, identity)
            do {
                let moved = try await step(context.parameters.get("step") ?? "", batch, identity, request, context)
                return AuthController.redirect("/batches/\(moved.id)")
            } catch {
                guard let mapped = APIError.from(error), mapped.status.code < 500 else { throw error }
                return try await batchPage(batch, context, message: mapped.message, status: mapped.status)
            }
        }
    }

    func provinces(_ identity: Identity) -> Set<String> {
        if case .provinces(let codes) = identity.jurisdiction.scope { return codes }
        return []
    }

    func batches(_ identity: Identity) async throws -> [ProductionBatch] {
        try await store.batches.batches(provinceCodes: provinces(identity), limit: 50)
    }

    func batch(_ context: AppRequestContext, _ identity: Identity) async throws -> ProductionBatch {
        guard let id = context.parameters.get("id").flatMap(Int64.init), let batch = try await store.batches.batch(id: id),
              provinces(identity).contains(batch.provinceCode) else { throw APIError.notFound }
        return batch
    }

    func create(size: Int, identity: Identity, request: Request, context: AppRequestContext) async throws -> ProductionBatch {
        let codes = provinces(identity)
        guard !codes.isEmpty else { throw APIError(.forbidden, "province_only", "batches are made by the province's production unit") }
        let batch = try await service.createBatch(provinceCodes: codes, size: size, actor: identity.account.username)
        try await audit.record("batch.create", target: "batch:\(batch.id)", purpose: "\(batch.pending) applications", request: request, context: context)
        return batch
    }

    func step(_ step: String, _ batch: ProductionBatch, _ identity: Identity, _ request: Request, _ context: AppRequestContext) async throws -> ProductionBatch {
        let actor = identity.account.username
        switch step {
        case "run":
            guard let production else {
                throw APIError(.conflict, "no_signer", "this server has no Document Signer key: run `cancuoc batches run \(batch.id)` on the production machine")
            }
            let signer = try production.pki.signer(passphrase: production.passphrase, on: service.clock())
            let producer = BatchProducer(store: store, keys: keys, signer: signer, catalog: service.catalog, calendar: service.calendar, clock: service.clock)
            let run = try await producer.run(batchID: batch.id, actor: actor, to: production.exportFolder)
            if let outcome = run.outcome {
                try await audit.record("batch.personalise", target: "batch:\(batch.id)", purpose: "\(outcome.personalised) cards, \(outcome.failed) failed",
                                       request: request, context: context)
            }
            try await audit.record("batch.export", target: "batch:\(batch.id)", purpose: run.folder.lastPathComponent, request: request, context: context)
        case "printed":
            let moved = try await service.markPrinted(batchID: batch.id, actor: actor)
            try await audit.record("batch.printed", target: "batch:\(batch.id)", purpose: "\(moved) cards", request: request, context: context)
        case "dispatched":
            let moved = try await service.markDispatched(batchID: batch.id, actor: actor)
            try await audit.record("batch.dispatched", target: "batch:\(batch.id)", purpose: "\(moved) cards", request: request, context: context)
        default:
            throw APIError.notFound
        }
        return try await store.batches.batch(id: batch.id) ?? batch
    }

    func row(_ b: ProductionBatch) -> [String: Any] {
        ["id": b.id, "link": "/batches/\(b.id)", "state": b.state.vietnamese, "pending": b.pending, "done": b.done, "failed": b.failed,
         "createdBy": b.createdBy, "createdAt": AdminController.timestamp(b.createdAt), "exportedTo": b.exportedTo ?? ""]
    }

    func listPage(_ identity: Identity, _ context: AppRequestContext, message: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let approved = try await store.applications.counts(ApplicationQuery(states: [.approved], provinceCodes: provinces(identity)))[.approved] ?? 0
        var model: [String: Any] = ["navBatches": true, "batches": try await batches(identity).map(row), "approved": approved]
        if let message { model["message"] = message }
        return pages.render("batches", model, context: context, status: status)
    }

    func batchPage(_ batch: ProductionBatch, _ context: AppRequestContext, message: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        var model = row(batch)
        model["navBatches"] = true
        model["canRun"] = (batch.state == .open || batch.state == .personalised) && production != nil
        model["needsMachine"] = (batch.state == .open || batch.state == .personalised) && production == nil
        model["canPrint"] = batch.state == .exported
        model["canDispatch"] = batch.state == .printed
        model["failures"] = try await store.batches.items(batchID: batch.id).filter { $0.state == .failed }.map {
            ["application": $0.applicationID, "link": Routes.application($0.applicationID), "problem": $0.problem]
        }
        if let message { model["message"] = message }
        return pages.render("batch", model, context: context, status: status)
    }
}

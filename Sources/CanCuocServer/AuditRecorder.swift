import CanCuocCore
import CanCuocStore
import Foundation
import Hummingbird

/// Writes the audit entry of a request: actor, role, unit, client address and request id come from the
/// context. The request waits for the group commit, so nothing is answered unaudited. Auditing can be
/// switched off only for the benchmark's comparison run.
public struct AuditRecorder: Sendable {
    let log: AuditLog?
    let clock: @Sendable () -> Date

    public init(log: AuditLog?, clock: @escaping @Sendable () -> Date) {
        self.log = log
        self.clock = clock
    }

    func record(_ action: String, target: String = "", purpose: String = "", outcome: String = "ok",
                actor: Account? = nil, request: Request, context: AppRequestContext) async throws {
        try await record([(action, target)], purpose: purpose, outcome: outcome, actor: actor, request: request, context: context)
    }

    /// All the entries of one request (e.g. a search and every record it listed), committed together.
    func record(_ entries: [(action: String, target: String)], purpose: String = "", outcome: String = "ok",
                actor: Account? = nil, request: Request, context: AppRequestContext) async throws {
        guard let log, !entries.isEmpty else { return }
        let account = actor ?? context.identity?.account
        let time = clock(), client = context.clientAddress(request), id = context.id
        try await log.record(entries.map { entry in
            AuditDraft(time: time, actor: account?.username ?? "-", role: account?.role.rawValue ?? "-", unit: account?.unit.description ?? "-",
                       action: entry.action, target: entry.target, purpose: purpose, clientAddress: client, requestID: id, outcome: outcome)
        })
    }

    /// A search and every record it listed.
    func recordSearch(listing items: [VersionedResident], purpose: String = "", request: Request, context: AppRequestContext) async throws {
        try await record([("resident.search", "")] + items.map { ("resident.listed", "resident:\($0.resident.id)") },
                         purpose: purpose, request: request, context: context)
    }

    /// A queue page: the look and every application it listed.
    func recordQueue(listing items: [ApplicationRecord], request: Request, context: AppRequestContext) async throws {
        try await record([("application.queue", "")] + items.map { ("application.listed", "application:\($0.id)") }, request: request, context: context)
    }

    /// A bulk approval: one entry for the request, one move per application approved.
    func recordApprovals(_ approved: [Int64], request: Request, context: AppRequestContext) async throws {
        try await record([("application.approve-bulk", "")] + approved.map { ("application.move", "application:\($0)") },
                         purpose: "approved", request: request, context: context)
    }

    /// An entry written outside a request (the command line), by `actor`.
    public func record(_ action: String, target: String = "", purpose: String = "", actor: String) async throws {
        guard let log else { return }
        try await log.record(AuditDraft(time: clock(), actor: actor, role: "-", unit: "-", action: action, target: target, purpose: purpose, clientAddress: "cli"))
    }
}

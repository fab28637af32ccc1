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
        guard let log else { return }
        let account = actor ?? context.identity?.account
        try await log.record(AuditDraft(
            time: clock(), actor: account?.username ?? "-", role: account?.role.rawValue ?? "-", unit: account?.unit.description ?? "-",
            action: action, target: target, purpose: purpose, clientAddress: context.clientAddress(request),
            requestID: context.id, outcome: outcome))
    }

    /// Several entries of one request (e.g. every record a search listed), committed together.
    func record(_ action: String, targets: [String], purpose: String = "", request: Request, context: AppRequestContext) async throws {
        guard let log, !targets.isEmpty else { return }
        let account = context.identity?.account
        let time = clock(), client = context.clientAddress(request), id = context.id
        try await log.record(targets.map { target in
            AuditDraft(time: time, actor: account?.username ?? "-", role: account?.role.rawValue ?? "-", unit: account?.unit.description ?? "-",
                       action: action, target: target, purpose: purpose, clientAddress: client, requestID: id)
        })
    }

    /// An entry written outside a request (the command line).
    public func record(_ action: String, target: String = "", actor: String, role: String = "-", unit: String = "-", client: String = "cli") async throws {
        guard let log else { return }
        try await log.record(AuditDraft(time: clock(), actor: actor, role: role, unit: unit, action: action, target: target, clientAddress: client))
    }
}

import CanCuocCore
import CanCuocStore

/// Who is asking, with what, and where they may act.
public struct Identity: Sendable {
    public enum Credential: Sendable {
        case session(Session)
        case token(APIToken)
    }

    public let account: Account
    public let jurisdiction: Jurisdiction
    public let credential: Credential
    /// The role's permissions, narrowed to the token's scopes for token access.
    public let permissions: Set<Permission>

    init(account: Account, jurisdiction: Jurisdiction, credential: Credential) {
        self.account = account
        self.jurisdiction = jurisdiction
        self.credential = credential
        switch credential {
        case .session: permissions = account.role.permissions
        case .token(let token): permissions = account.role.permissions.intersection(token.scopes)
        }
    }

    public var session: Session? {
        if case .session(let session) = credential { return session }
        return nil
    }
}

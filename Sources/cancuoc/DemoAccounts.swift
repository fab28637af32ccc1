import CanCuocCore
import CanCuocServer
import CanCuocStore
import Foundation

/// `make run`'s demo accounts: one per role, made on the first start and printed at every start with
/// their TOTP secrets, so a newcomer can sign in at once. Demo only: the password is public.
struct DemoAccounts {
    let store: any RegisterStore
    let keys: KeyRing
    let provinceCode: String
    static let password = "CanCuoc-demo-2026"

    /// (username, role, unit code, display name)
    var plan: [(String, Role, String, String)] {
        [
            ("pc06", .provinceOfficer, provinceCode, "Cán bộ PC06 (demo)"),
            ("huyen.hoanghoa", .districtOfficer, "2025-01/399", "Công an huyện Hoằng Hóa (demo, đơn vị cũ)"),
            ("xa.hoanghoa", .communeOfficer, "2025-07/15865", "Công an xã Hoằng Hóa (demo)"),
            ("pheduyet", .approver, provinceCode, "Cán bộ phê duyệt (demo)"),
            ("lanhdao", .leader, provinceCode, "Lãnh đạo (demo)"),
            ("nganhang", .agency, provinceCode, "Ngân hàng (demo, chỉ xác thực qua API)"),
            ("quantri", .admin, provinceCode, "Quản trị (demo)"),
        ]
    }

    func ensureAndPrint() async throws {
        let service = AccountService(accounts: store.accounts, keys: keys)
        print("Demo accounts (password \(Self.password); TOTP keys, base32, for an authenticator app):")
        for (username, role, unit, name) in plan {
            var account = try await store.accounts.account(username: username)
            if account == nil {
                account = try await service.create(username: username, displayName: name, role: role, unitCode: unit,
                                                   password: role.signsInOnWeb ? Self.password : nil, mustChangePassword: false).account
            }
            guard let account else { continue }
            var line = "  \(username.padding(toLength: 15, withPad: " ", startingAt: 0)) \(role.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0)) \(account.unit)"
            if let secret = try account.totpSecret(keys: keys) {
                line += "  TOTP key \(AccountService.authenticatorKey(secret))"
            }
            if role == .agency {
                // The bearer secret is stored only as a hash: a fresh one-day token at every start.
                for old in try await store.accounts.tokens(accountID: account.id) where old.label == "demo" && old.revokedAt == nil {
                    _ = try await store.accounts.revokeToken(id: old.id, at: Date())
                }
                let issued = try await service.issueToken(username: username, scopes: nil, days: 1, label: "demo")
                line += "  token \(issued.secret)"
            }
            print(line)
        }
    }
}

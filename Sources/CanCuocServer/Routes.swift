import CanCuocCore
import Hummingbird

/// Every URL of the server, in one place, so that links and routes cannot drift apart.
public enum Routes {
    // API
    static let apiUnits: RouterPath = "/api/v1/units"
    static let apiUnit: RouterPath = "/api/v1/units/:code"
    static let apiUnitChildren: RouterPath = "/api/v1/units/:code/children"
    static let apiResidents: RouterPath = "/api/v1/residents"
    static let apiResidentSearch: RouterPath = "/api/v1/residents/search"
    static let apiResident: RouterPath = "/api/v1/residents/:id"
    static let apiResidentAccessLog: RouterPath = "/api/v1/residents/:id/access-log"
    static let apiAccounts: RouterPath = "/api/v1/accounts"
    static let apiAccountDisable: RouterPath = "/api/v1/accounts/:username/disable"
    static let apiAccountPasswordReset: RouterPath = "/api/v1/accounts/:username/password-reset"
    static let apiAccountActivity: RouterPath = "/api/v1/accounts/:username/activity"
    static let apiTokens: RouterPath = "/api/v1/tokens"
    static let apiTokenRevoke: RouterPath = "/api/v1/tokens/:id/revoke"
    static let apiResidentHistory: RouterPath = "/api/v1/residents/:id/history"
    static let apiResidentCardPreview: RouterPath = "/api/v1/residents/:id/card-preview"
    static let apiResidentCardPreviewQR: RouterPath = "/api/v1/residents/:id/card-preview/qr.svg"
    static let apiResidentAsOf: RouterPath = "/api/v1/residents/:id/as-of/:date"
    static let apiResidentPINReestablishment: RouterPath = "/api/v1/residents/:id/pin-reestablishment"
    static let apiHousehold: RouterPath = "/api/v1/households/:id"
    static let apiPIN: RouterPath = "/api/v1/pins/:pin"
    static let apiApplications: RouterPath = "/api/v1/applications"
    static let apiApplication: RouterPath = "/api/v1/applications/:id"
    static let apiApplicationMoves: RouterPath = "/api/v1/applications/:id/moves"
    static let apiApplicationApprovals: RouterPath = "/api/v1/applications/approvals"
    static let apiApplicationBiometrics: RouterPath = "/api/v1/applications/:id/biometrics"
    static let apiApplicationBiometric: RouterPath = "/api/v1/applications/:id/biometrics/:kind"
    static let apiApplicationBiometricUnavailable: RouterPath = "/api/v1/applications/:id/biometrics/:kind/unavailable"
    static let apiStatus: RouterPath = "/api/v1/status"
    static let apiBatches: RouterPath = "/api/v1/batches"
    static let apiBatch: RouterPath = "/api/v1/batches/:id"
    static let apiBatchStep: RouterPath = "/api/v1/batches/:id/:step"
    static let apiSessions: RouterPath = "/api/v1/sessions"
    static let apiSession: RouterPath = "/api/v1/sessions/:id"
    static let apiSessionStep: RouterPath = "/api/v1/sessions/:id/:step"
    static let sessionsPage: RouterPath = "/sessions"
    static let sessionPage: RouterPath = "/sessions/:id"
    static let sessionStep: RouterPath = "/sessions/:id/:step"
    static let batchesPage: RouterPath = "/batches"
    static let batchPage: RouterPath = "/batches/:id"
    static let batchStep: RouterPath = "/batches/:id/:step"
    static let healthz: RouterPath = "/healthz"
    // Console: applications
    static let applicationsPage: RouterPath = "/applications"
    static let applicationsApprove: RouterPath = "/applications/approvals"
    static let intakePage: RouterPath = "/applications/new"
    static let intakeRefusal: RouterPath = "/applications/refusal"
    static let applicationPage: RouterPath = "/applications/:id"
    static let applicationMove: RouterPath = "/applications/:id/moves"
    static let applicationBiometrics: RouterPath = "/applications/:id/biometrics"
    static let applicationForm: RouterPath = "/applications/:id/forms/:form"
    static let residentCorrection: RouterPath = "/residents/:id/correction"
    static let statusPage: RouterPath = "/status"
    static let metrics: RouterPath = "/metrics"

    // Console
    static let home: RouterPath = "/"
    static let residentSearch: RouterPath = "/residents"
    static let residentPage: RouterPath = "/residents/:id"
    static let cardPage: RouterPath = "/residents/:id/cards/:card"
    static let cardPhoto: RouterPath = "/residents/:id/cards/:card/photo.jpg"
    static let cardStatus: RouterPath = "/residents/:id/cards/:card/status"
    static let apiCardStatus: RouterPath = "/api/v1/cards/:card/status"
    static let apiOldIDConfirmation: RouterPath = "/api/v1/residents/:id/old-id-confirmation"
    static let oldIDConfirmation: RouterPath = "/residents/:id/old-id-confirmation"
    static let stylesheet: RouterPath = "/static/app.css"
    static let signIn: RouterPath = "/signin"
    static let signInCode: RouterPath = "/signin/code"
    static let signOut: RouterPath = "/signout"
    static let signOutEverywhere: RouterPath = "/signout/everywhere"
    static let passwordChange: RouterPath = "/account/password"
    static let accountsPage: RouterPath = "/admin/accounts"
    static let accountsDisable: RouterPath = "/admin/accounts/:username/disable"
    static let accountsReset: RouterPath = "/admin/accounts/:username/password-reset"
    static let auditPage: RouterPath = "/admin/audit"
    static let overview: RouterPath = "/overview"

    public static func resident(_ id: ResidentID) -> String { "/residents/\(id)" }
    public static func cardPreviewQR(_ id: ResidentID) -> String { "/api/v1/residents/\(id)/card-preview/qr.svg" }
    public static func card(_ resident: ResidentID, _ card: Int64) -> String { "/residents/\(resident)/cards/\(card)" }
    public static func application(_ id: Int64) -> String { "/applications/\(id)" }
    public static func applicationForm(_ id: Int64, _ form: String) -> String { "/applications/\(id)/forms/\(form)" }
    public static func residentCorrection(_ id: ResidentID) -> String { "/residents/\(id)/correction" }
    public static func cardPhoto(_ resident: ResidentID, _ card: Int64) -> String { "/residents/\(resident)/cards/\(card)/photo.jpg" }
    public static func resident(_ id: ResidentID, asOf date: LocalDate) -> String { "/residents/\(id)?as_of=\(date)" }
    static func apiResident(_ id: ResidentID) -> String { "/api/v1/residents/\(id)" }
    static func apiApplication(_ id: Int64) -> String { "/api/v1/applications/\(id)" }

    /// Paths answered with HTML (errors there get an HTML page).
    public static func isConsolePath(_ path: String) -> Bool { isConsole(path) }

    static func isConsole(_ path: String) -> Bool {
        !(path.hasPrefix("/api/") || path == "/healthz" || path == "/metrics")
    }
}

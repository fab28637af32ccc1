import CanCuocCore
import Hummingbird

/// Every URL of the server, in one place, so that links and routes cannot drift apart.
public enum Routes {
    // API
    static let apiUnits: RouterPath = "/api/v1/units"
    static let apiUnit: RouterPath = "/api/v1/units/:code"
    static let apiUnitChildren: RouterPath = "/api/v1/units/:code/children"
    static let apiResidents: RouterPath = "/api/v1/residents"
    static let apiResident: RouterPath = "/api/v1/residents/:id"
    static let apiResidentHistory: RouterPath = "/api/v1/residents/:id/history"
    static let apiResidentAsOf: RouterPath = "/api/v1/residents/:id/as-of/:date"
    static let apiResidentPINReestablishment: RouterPath = "/api/v1/residents/:id/pin-reestablishment"
    static let apiHousehold: RouterPath = "/api/v1/households/:id"
    static let apiPIN: RouterPath = "/api/v1/pins/:pin"
    static let healthz: RouterPath = "/healthz"
    static let metrics: RouterPath = "/metrics"

    // Console
    static let home: RouterPath = "/"
    static let residentSearch: RouterPath = "/residents"
    static let residentPage: RouterPath = "/residents/:id"
    static let stylesheet: RouterPath = "/static/app.css"

    public static func resident(_ id: ResidentID) -> String { "/residents/\(id)" }
    public static func resident(_ id: ResidentID, asOf date: LocalDate) -> String { "/residents/\(id)?as_of=\(date)" }
    static func apiResident(_ id: ResidentID) -> String { "/api/v1/residents/\(id)" }

    /// Paths answered with HTML (errors there get an HTML page).
    static func isConsole(_ path: String) -> Bool {
        !(path.hasPrefix("/api/") || path == "/healthz" || path == "/metrics")
    }
}

import CanCuocCore
import Foundation

/// A mobile issuance session (cấp lưu động): a team with capture machines at a commune hall, an agency, an
/// enterprise, a school or a home, on given days and shifts. Planned, then opened (applications may be taken
/// there, site `session:<id>`), then closed. Each machine takes about 350 applications a day.
public struct MobileSession: Sendable, Hashable {
    public enum Place: String, CaseIterable, Sendable, Codable {
        case communeHall = "commune-hall", agency, enterprise, school, home

        public var vietnamese: String {
            switch self {
            case .communeHall: "Trụ sở xã, phường"
            case .agency: "Cơ quan"
            case .enterprise: "Doanh nghiệp"
            case .school: "Trường học"
            case .home: "Tại nhà (người không đi lại được)"
            }
        }
    }

    public enum State: String, CaseIterable, Sendable, Codable {
        case planned, open, closed

        public var vietnamese: String {
            switch self {
            case .planned: "Đã lên kế hoạch"
            case .open: "Đang tiếp nhận"
            case .closed: "Đã kết thúc"
            }
        }
    }

    /// Applications one capture machine takes in a day (2021 campaigns: 300-400).
    public static let perMachinePerDay = 350

    public var id: Int64
    public var provinceCode: String
    public var place: Place
    public var placeName: String
    public var commune: UnitRef
    public var startsOn: LocalDate
    public var endsOn: LocalDate
    /// 1 to 3 shifts a day.
    public var shifts: Int
    public var machines: Int
    /// Usernames of the officers assigned.
    public var officers: [String]
    public var state: State
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: Int64 = 0, provinceCode: String, place: Place, placeName: String, commune: UnitRef, startsOn: LocalDate, endsOn: LocalDate,
                shifts: Int, machines: Int, officers: [String], state: State = .planned, createdBy: String, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.provinceCode = provinceCode
        self.place = place
        self.placeName = placeName
        self.commune = commune
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.shifts = shifts
        self.machines = machines
        self.officers = officers
        self.state = state
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var site: String { "session:\(id)" }

    public var days: Int { endsOn.dayNumber - startsOn.dayNumber + 1 }

    /// What the machines can take over the session's days.
    public var capacity: Int { machines * Self.perMachinePerDay * days }

    /// The plan's faults, none when it can be saved.
    public var problems: [String] {
        var problems: [String] = []
        if placeName.trimmed.isEmpty || placeName.count > 200 { problems.append("the place needs a name (at most 200 characters)") }
        if endsOn < startsOn { problems.append("the session ends (\(endsOn)) before it starts (\(startsOn))") }
        if days > 31 { problems.append("a session lasts at most 31 days; plan several") }
        if !(1...3).contains(shifts) { problems.append("1 to 3 shifts a day, not \(shifts)") }
        if !(1...50).contains(machines) { problems.append("1 to 50 capture machines, not \(machines)") }
        if officers.isEmpty { problems.append("assign at least one officer") }
        return problems
    }
}

/// Why an application cannot be taken at a session.
public enum SessionError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(Int64)
    case invalid([String])
    case notOpen(Int64, MobileSession.State)
    case outsideDates(Int64, from: LocalDate, to: LocalDate)
    case notAssigned(Int64)
    case wrongState(expected: MobileSession.State, actual: MobileSession.State)

    public var code: String {
        switch self {
        case .notFound: "not_found"
        case .invalid: "invalid_session"
        case .notOpen: "session_not_open"
        case .outsideDates: "session_expired"
        case .notAssigned: "not_assigned"
        case .wrongState: "wrong_session_state"
        }
    }

    public var description: String {
        switch self {
        case .notFound(let id): "no mobile session \(id)"
        case .invalid(let problems): problems.joined(separator: "; ")
        case let .notOpen(id, state): "mobile session \(id) is \(state.rawValue), not open: applications are taken only while it is open"
        case let .outsideDates(id, from, to): "mobile session \(id) runs from \(from) to \(to); it does not take applications today"
        case .notAssigned(let id): "you are not one of the officers assigned to mobile session \(id)"
        case let .wrongState(expected, actual): "the session is \(actual.rawValue), not \(expected.rawValue)"
        }
    }
}

/// Mobile sessions, their invitees and their throughput.
public protocol SessionStore: Sendable {
    func create(_ session: MobileSession) async throws -> MobileSession
    func session(id: Int64) async throws -> MobileSession?
    /// Sessions of these provinces, newest start first.
    func sessions(provinceCodes: Set<String>, limit: Int) async throws -> [MobileSession]
    /// planned → open → closed, compare-and-set.
    func setState(id: Int64, from: MobileSession.State, to: MobileSession.State, at: Date) async throws -> MobileSession
    /// Invites residents (a school's pupils, an enterprise's workers); returns how many were new.
    func invite(sessionID: Int64, provinceCode: String, residents: [ResidentID]) async throws -> Int
    func invitees(sessionID: Int64) async throws -> [ResidentID]
    /// Applications taken at the session per day.
    func throughput(sessionID: Int64) async throws -> [LocalDate: Int]
}

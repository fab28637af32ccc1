import CanCuocCore

/// A queue of applications: which states, whose area, only the overdue ones, which page. The server narrows
/// the area to the caller's jurisdiction before the store sees it.
public struct ApplicationQuery: Sendable, Hashable {
    /// Empty: every state that is not final.
    public var states: [ApplicationState]
    /// Applications kept by these provinces (a province-wide account).
    public var provinceCodes: Set<String>?
    /// Applications of residents of these communes (a district or commune account).
    public var communes: [UnitRef]?
    /// Only those taken at this site (a desk's unit or a mobile session).
    public var site: String?
    /// Only those whose stage was due before this day (overdue on it).
    public var overdueOn: LocalDate?
    public var page: Int
    public var perPage: Int

    public init(states: [ApplicationState] = [], provinceCodes: Set<String>? = nil, communes: [UnitRef]? = nil, site: String? = nil,
                overdueOn: LocalDate? = nil, page: Int = 1, perPage: Int = 50) {
        self.states = states
        self.provinceCodes = provinceCodes
        self.communes = communes
        self.site = site
        self.overdueOn = overdueOn
        self.page = max(1, page)
        self.perPage = min(max(1, perPage), 500)
    }

    /// The states the query covers.
    public var effectiveStates: [ApplicationState] {
        states.isEmpty ? ApplicationState.allCases.filter { !$0.isFinal } : states
    }

    /// Counts per state stop above this (the tab shows "10 000+"): an officer's queue needs no exact count beyond
    /// it, and counting millions of rows would cost more than the page itself. Reports count exactly.
    public static let countCap = 10_000

    /// An area restriction that admits nothing (an account whose jurisdiction is empty).
    public var isEmptyArea: Bool { communes?.isEmpty == true || provinceCodes?.isEmpty == true }
}

import Foundation

/// The fee of an application as dated, editable data (`fees.csv`: from, until, law, kind, reason or `*`,
/// fee in VND, note; REFERENCE.md, "Fees"), and the exemptions that waive it.
public struct FeeSchedule: Sendable {
    public struct Row: Sendable, Hashable {
        public let from: LocalDate
        public let until: LocalDate?
        public let law: CardLaw
        public let kind: ApplicationKind
        /// nil matches any reason.
        public let reason: ApplicationReason?
        public let feeVND: Int
        public let note: String
    }

    /// Grounds for not paying (2023 law, Circular 73/2024); the age-based ones are found from the birth date,
    /// the others are declared and checked at intake.
    public enum Exemption: String, CaseIterable, Sendable, Codable {
        case under16 = "under-16"
        case aged60 = "aged-60"
        case disability
        case meritoriousService = "meritorious-service"
        case poorHousehold = "poor-household"
        case ethnicMinorityHardCommune = "ethnic-minority-hard-commune"
        case borderOrIslandCommune = "border-or-island-commune"

        public var vietnamese: String {
            switch self {
            case .under16: "Dưới 16 tuổi"
            case .aged60: "Từ đủ 60 tuổi"
            case .disability: "Người khuyết tật"
            case .meritoriousService: "Người có công với cách mạng và thân nhân"
            case .poorHousehold: "Thuộc hộ nghèo"
            case .ethnicMinorityHardCommune: "Dân tộc thiểu số ở xã đặc biệt khó khăn"
            case .borderOrIslandCommune: "Cư trú tại xã biên giới, huyện đảo"
            }
        }
    }

    public struct Decision: Sendable, Hashable {
        /// What the schedule asks before exemptions.
        public let scheduledVND: Int
        /// What is collected.
        public let dueVND: Int
        public let exemption: Exemption?
        public let note: String
    }

    public let rows: [Row]

    public static let shipped: FeeSchedule = {
        // swiftlint:disable:next force_try - a resource of the package, checked by the tests
        try! FeeSchedule(csv: CoreResources.directory.appendingPathComponent("fees.csv"))
    }()

    public init(rows: [Row]) {
        self.rows = rows
    }

    public init(csv url: URL) throws {
        var rows: [Row] = []
        try CSVReader(contentsOf: url).forEachRecord { line, f in
            guard line > 1 else { return }
            func bad(_ reason: String) -> FeeScheduleError { .badRow(line: line, reason: reason) }
            guard f.count >= 6 else { throw bad("expected from,until,law,kind,reason,fee_vnd,note") }
            guard let from = try? LocalDate(iso: f[0]) else { throw bad("'\(f[0])' is not a date") }
            let until = f[1].isEmpty ? nil : try? LocalDate(iso: f[1])
            guard f[1].isEmpty || until != nil else { throw bad("'\(f[1])' is not a date") }
            guard let law = CardLaw(rawValue: f[2]) else { throw bad("law '\(f[2])' is not 2014 or 2023") }
            guard let kind = ApplicationKind(rawValue: f[3]) else { throw bad("kind '\(f[3])' is unknown") }
            let reason = f[4] == "*" || f[4].isEmpty ? nil : ApplicationReason(rawValue: f[4])
            guard f[4] == "*" || f[4].isEmpty || reason != nil else { throw bad("reason '\(f[4])' is unknown") }
            guard let fee = Int(f[5]), fee >= 0 else { throw bad("fee '\(f[5])' is not a whole number of VND") }
            rows.append(Row(from: from, until: until, law: law, kind: kind, reason: reason, feeVND: fee, note: f.count > 6 ? f[6] : ""))
        }
        self.init(rows: rows)
    }

    /// The fee on `date` (the application date: the law in force then applies). A row naming the reason wins
    /// over a `*` row. Exemptions apply under the 2023 law; age-based ones are found from `age`.
    public func fee(on date: LocalDate, kind: ApplicationKind, reason: ApplicationReason?, age: Int,
                    declared: Set<Exemption> = []) throws(FeeScheduleError) -> Decision {
        let law = CardLaw.inForce(on: date)
        let candidates = rows.filter { $0.law == law && $0.kind == kind && $0.from <= date && ($0.until.map { date <= $0 } ?? true) }
        guard let row = candidates.first(where: { $0.reason != nil && $0.reason == reason }) ?? candidates.first(where: { $0.reason == nil }) else {
            throw .noFee(kind: kind, reason: reason, date: date)
        }
        var exemption: Exemption?
        if row.feeVND > 0 && law == .identification2023 {
            if age < 16 { exemption = .under16 } else if age >= 60 { exemption = .aged60 } else {
                exemption = Exemption.allCases.first { declared.contains($0) }
            }
        }
        return Decision(scheduledVND: row.feeVND, dueVND: exemption == nil ? row.feeVND : 0, exemption: exemption, note: row.note)
    }
}

public enum FeeScheduleError: Error, Equatable, Sendable, CustomStringConvertible {
    case badRow(line: Int, reason: String)
    case noFee(kind: ApplicationKind, reason: ApplicationReason?, date: LocalDate)

    public var description: String {
        switch self {
        case let .badRow(line, reason): "fee schedule, line \(line): \(reason)"
        case let .noFee(kind, reason, date): "the fee schedule has no fee for a \(kind.rawValue) application\(reason.map { " (\($0.rawValue))" } ?? "") on \(date)"
        }
    }
}

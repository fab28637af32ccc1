import CanCuocCore
import Foundation

/// Loads residents from the documented CSV. Every row is checked first (form, register rules, duplicate
/// PIN or old ID within the file and against the register); by default nothing is loaded if any row is
/// bad. With `skipInvalid` the good rows load and the bad ones are returned with their reasons.
///
/// Two passes over the (memory-mapped) file: the first checks and keeps only the keys it needs, the
/// second parses again and streams the good rows into one transaction, so memory stays flat.
public struct ResidentImporter: Sendable {
    public let service: RegisterService

    public struct Rejected: Sendable {
        public let line: Int
        public let fields: [String]
        public let reason: String
    }

    public struct Report: Sendable {
        public let imported: Int
        public let rejected: [Rejected]
        public let header: [String]
    }

    public enum Phase: Sendable { case checking, loading }

    public init(service: RegisterService) { self.service = service }

    public func run(file: URL, skipInvalid: Bool, actor: String, progress: @escaping @Sendable (Phase, Int, Int) -> Void = { _, _, _ in }) async throws -> Report {
        let reader = try CSVReader(contentsOf: file)
        let check = try checkRows(reader, progress: progress)
        var rejected = check.rejected

        // Against the register: PINs ever issued and old IDs on file, in chunks.
        var conflicts: [Int: [String]] = [:]
        let bulk = service.store.bulk
        for chunk in stride(from: 0, to: check.keys.count, by: 20_000) {
            let slice = check.keys[chunk..<min(chunk + 20_000, check.keys.count)]
            let pins = try await bulk.existingPINs(among: slice.compactMap(\.pin))
            let olds = try await bulk.existingOldIDs(among: slice.compactMap(\.oldId))
            for key in slice {
                if let pin = key.pin, pins.contains(pin) { conflicts[key.line, default: []].append("pin: this PIN has already been issued in the register") }
                if let old = key.oldId, olds.contains(old) { conflicts[key.line, default: []].append("old_id_number: already belongs to a record in the register") }
            }
        }
        if !conflicts.isEmpty {
            try reader.forEachRecord { line, fields in
                if let reasons = conflicts[line] { rejected.append(Rejected(line: line, fields: fields, reason: reasons.joined(separator: "; "))) }
            }
        }
        rejected.sort { $0.line < $1.line }
        if !rejected.isEmpty && !skipInvalid {
            return Report(imported: 0, rejected: rejected, header: check.header)
        }

        let skip = Set(rejected.map(\.line))
        let total = check.keys.count - conflicts.count
        let columnIndex = check.columnIndex
        let columnCount = check.header.count
        let context = ChangeContext(actor: actor, reason: "import from \(file.lastPathComponent)", at: service.clock())
        progress(.loading, 0, total)
        let imported = try await bulk.fastLoad {
            try await bulk.loadStreaming(context: context) { sink in
                var households: [String: HouseholdID] = [:]
                var loaded = 0
                try reader.forEachRecord { line, fields in
                    guard line > 1, !skip.contains(line),
                          case .success(let row) = ResidentCSV.parse(fields, index: columnIndex, columnCount: columnCount) else { return }
                    var resident = row.resident
                    if let code = row.householdCode, let address = resident.permanentResidence {
                        if let id = households[code] {
                            resident.householdId = id
                        } else {
                            let id = try sink.add(Household(provinceCode: resident.provinceCode, address: address))
                            households[code] = id
                            resident.householdId = id
                        }
                    }
                    try sink.add(resident)
                    loaded += 1
                    if loaded % 20_000 == 0 { progress(.loading, loaded, total) }
                }
            }
        }
        progress(.loading, imported, total)
        return Report(imported: imported, rejected: rejected, header: check.header)
    }

    struct RowKey {
        let line: Int
        let pin: PIN?
        let oldId: String?
    }

    struct Check {
        var header: [String] = []
        var columnIndex: [String: Int] = [:]
        var keys: [RowKey] = []
        var rejected: [Rejected] = []
    }

    /// Pass 1: form and rules of every row, duplicates within the file.
    func checkRows(_ reader: CSVReader, progress: @Sendable (Phase, Int, Int) -> Void) throws -> Check {
        var check = Check()
        var haveHeader = false
        var seenPINs: [PIN: Int] = [:]
        var seenOldIds: [String: Int] = [:]
        let validator = ResidentValidator(catalog: service.catalog, today: LocalDate(service.clock()))
        let expectedRows = max(1, reader.lineCount - 1)
        var rows = 0
        try reader.forEachRecord { line, fields in
            guard haveHeader else {
                check.header = fields
                check.columnIndex = try ResidentCSV.columnIndex(header: fields)
                haveHeader = true
                return
            }
            rows += 1
            if rows % 20_000 == 0 { progress(.checking, rows, max(rows, expectedRows)) }
            switch ResidentCSV.parse(fields, index: check.columnIndex, columnCount: check.header.count) {
            case .failure(let problems):
                check.rejected.append(Rejected(line: line, fields: fields, reason: problems.message))
            case .success(let row):
                // The household gets its id at load time; stand in for it so the rules see a member.
                var candidate = row.resident
                if row.householdCode != nil { candidate.householdId = 0 }
                var problems = validator.problems(in: candidate)
                if let pin = row.resident.pin {
                    if let first = seenPINs[pin] {
                        problems.append(FieldProblem(field: "pin", code: "duplicate_pin", message: "the same PIN is on line \(first)"))
                    } else { seenPINs[pin] = line }
                }
                if let old = row.resident.oldIdNumber {
                    if let first = seenOldIds[old] {
                        problems.append(FieldProblem(field: "old_id_number", code: "duplicate_old_id", message: "the same old ID number is on line \(first)"))
                    } else { seenOldIds[old] = line }
                }
                if problems.isEmpty {
                    check.keys.append(RowKey(line: line, pin: row.resident.pin, oldId: row.resident.oldIdNumber))
                } else {
                    check.rejected.append(Rejected(line: line, fields: fields, reason: RowProblems(problems).message))
                }
            }
        }
        guard haveHeader else { throw ResidentCSVError.empty }
        return check
    }
}

import CanCuocCore
import Foundation

/// Loads residents from the documented CSV. Every row is checked first (form, register rules, duplicate
/// PIN or old ID within the file and against the register); by default nothing is loaded if any row is
/// bad. With `skipInvalid` the good rows load and the bad ones are returned with their reasons.
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

    public func run(file: URL, skipInvalid: Bool, actor: String, progress: @Sendable (Phase, Int, Int) -> Void = { _, _, _ in }) async throws -> Report {
        let reader = try CSVReader(contentsOf: file)
        var header: [String]?
        var columnIndex: [String: Int] = [:]
        var good: [(line: Int, row: ResidentCSV.Row, fields: [String])] = []
        var rejected: [Rejected] = []
        var seenPINs: [PIN: Int] = [:]
        var seenOldIds: [String: Int] = [:]
        let validator = ResidentValidator(catalog: service.catalog, today: LocalDate(service.clock()))
        let expectedRows = max(1, reader.lineCount - 1)
        var rows = 0
        try reader.forEachRecord { line, fields in
            guard let currentHeader = header else {
                header = fields
                columnIndex = try ResidentCSV.columnIndex(header: fields)
                return
            }
            rows += 1
            if rows % 20_000 == 0 { progress(.checking, rows, max(rows, expectedRows)) }
            switch ResidentCSV.parse(fields, index: columnIndex, columnCount: currentHeader.count) {
            case .failure(let problems):
                rejected.append(Rejected(line: line, fields: fields, reason: problems.message))
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
                    good.append((line, row, fields))
                } else {
                    rejected.append(Rejected(line: line, fields: fields, reason: RowProblems(problems).message))
                }
            }
        }
        guard let header else { throw ResidentCSVError.empty }

        // Against the register: PINs ever issued and old IDs on file.
        let existingPINs = try await service.store.bulk.existingPINs(among: good.compactMap(\.row.resident.pin))
        let existingOld = try await service.store.bulk.existingOldIDs(among: good.compactMap(\.row.resident.oldIdNumber))
        if !existingPINs.isEmpty || !existingOld.isEmpty {
            good.removeAll { entry in
                let resident = entry.row.resident
                var reasons: [String] = []
                if let pin = resident.pin, existingPINs.contains(pin) { reasons.append("pin: this PIN has already been issued in the register") }
                if let old = resident.oldIdNumber, existingOld.contains(old) { reasons.append("old_id_number: already belongs to a record in the register") }
                guard !reasons.isEmpty else { return false }
                rejected.append(Rejected(line: entry.line, fields: entry.fields, reason: reasons.joined(separator: "; ")))
                return true
            }
        }
        rejected.sort { $0.line < $1.line }
        if !rejected.isEmpty && !skipInvalid {
            return Report(imported: 0, rejected: rejected, header: header)
        }

        progress(.loading, 0, good.count)
        var batch = BulkBatch()
        var householdIndex: [String: Int] = [:]
        batch.residents.reserveCapacity(good.count)
        for entry in good {
            var index: Int?
            if let code = entry.row.householdCode, let address = entry.row.resident.permanentResidence {
                if let existing = householdIndex[code] {
                    index = existing
                } else {
                    index = batch.households.count
                    householdIndex[code] = index
                    batch.households.append(Household(provinceCode: entry.row.resident.provinceCode, address: address))
                }
            }
            batch.residents.append((entry.row.resident, index))
        }
        let context = ChangeContext(actor: actor, reason: "import from \(file.lastPathComponent)", at: service.clock())
        let bulk = service.store.bulk
        let ready = batch
        let imported = try await bulk.fastLoad { try await bulk.load(ready, context: context) }
        progress(.loading, imported, good.count)
        return Report(imported: imported, rejected: rejected, header: header)
    }
}

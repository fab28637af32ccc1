import CanCuocCore

/// Checks the rows of an import: their form (`parse`, on the reader thread), then in file order the
/// register's rules and PINs or old ID numbers that an earlier row of the same file already has
/// (`check`, on the writer, which has time to spare). Whether the register already holds them is asked
/// in batches at load time: `BulkSink.alreadyRegistered`.
struct ImportRowChecker: Sendable {
    let columnIndex: [String: Int]
    let columnCount: Int
    let validator: ResidentValidator
    private var seenPINs: [PIN: Int] = [:]
    private var seenOldIds: [String: Int] = [:]

    init(header: [String], validator: ResidentValidator) throws {
        columnIndex = try ResidentCSV.columnIndex(header: header)
        columnCount = header.count
        self.validator = validator
    }

    /// A row of good form, encoded for the load (`EncodedResident`), with the file's household code and
    /// where the row is in the file (its fields are read again only if it is rejected after all).
    struct Good: Sendable {
        let line: Int
        var record: EncodedResident
        let householdCode: String?
        let range: Range<Int>
    }

    enum Outcome: Sendable {
        case good(Good)
        case bad(ResidentImporter.Rejected)
    }

    /// The row's form: fields, dates, codes, JSON parts; a good one is encoded.
    func parse(line: Int, fields: [String], range: Range<Int>) -> Outcome {
        switch ResidentCSV.parse(fields, index: columnIndex, columnCount: columnCount) {
        case .failure(let problems): .bad(.init(line: line, fields: fields, reason: problems.message))
        case .success(let row): .good(Good(line: line, record: EncodedResident(row.resident), householdCode: row.householdCode, range: range))
        }
    }

    /// The rules and the file's duplicates, for a row whose form is good; rows in file order.
    mutating func check(_ row: Good, in reader: CSVReader) -> Outcome {
        let line = row.line, resident = row.record.resident
        // The household gets its id at load time; stand in for it so the rules see a member.
        var candidate = resident
        if row.householdCode != nil { candidate.householdId = 0 }
        var problems = validator.problems(in: candidate)
        if let pin = resident.pin {
            if let first = seenPINs[pin] {
                problems.append(FieldProblem(field: "pin", code: "duplicate_pin", message: "the same PIN is on line \(first)"))
            } else { seenPINs[pin] = line }
        }
        if let old = resident.oldIdNumber {
            if let first = seenOldIds[old] {
                problems.append(FieldProblem(field: "old_id_number", code: "duplicate_old_id", message: "the same old ID number is on line \(first)"))
            } else { seenOldIds[old] = line }
        }
        guard problems.isEmpty else {
            return .bad(.init(line: line, fields: (try? reader.fields(in: row.range)) ?? [], reason: RowProblems(problems).message))
        }
        return .good(row)
    }
}

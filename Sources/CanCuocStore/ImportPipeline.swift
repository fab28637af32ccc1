import CanCuocCore
import Dispatch
import Foundation

/// One import's single pass over the file, on two threads: a reader thread parses the rows in batches
/// while the load's writer checks them (`ImportRowChecker`), asks the register about each batch's keys
/// and adds the good rows, all in one transaction.
///
/// Without `skipInvalid` the first bad row stops the adding; the reading and checking go on so that
/// every bad row is reported, and the load then ends with `Abandoned`, which rolls it back.
struct ImportPipeline: Sendable {
    static let batchSize = 2_000

    /// The load ended because of bad rows: nothing of it may stay.
    struct Abandoned: Error {}

    let reader: CSVReader
    let checker: ImportRowChecker
    let skipInvalid: Bool
    let total: Int
    let progress: @Sendable (Int, Int) -> Void

    private enum Message: Sendable {
        case rows([ImportRowChecker.Outcome])
        case end((any Error)?)
    }

    private struct Stopped: Error {}

    /// Runs on the load's writer (inside its transaction); bad rows go to `rejected` (the sink counts the rest).
    func run(into sink: inout any BulkSink, rejected: inout [ResidentImporter.Rejected]) throws {
        let handOff = HandOff<Message>(capacity: 4)
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread { [reader, checker] in
            defer { finished.signal() }
            Self.read(reader, checker: checker, into: handOff)
        }
        thread.stackSize = 8 << 20
        thread.start()
        // However the load ends, the reader stops and is gone before it returns.
        defer {
            handOff.close()
            finished.wait()
        }

        var checker = checker
        var households: [String: HouseholdID] = [:]
        var seen = 0
        // Rows are added until the first bad one, unless bad rows are skipped.
        var adding: Bool { skipInvalid || rejected.isEmpty }
        while true {
            let outcomes: [ImportRowChecker.Outcome]
            switch handOff.take() {
            case .end(let error?): throw error
            case .end(nil):
                if !adding { throw Abandoned() }
                return
            case .rows(let rows): outcomes = rows
            }
            seen += outcomes.count
            var good: [ImportRowChecker.Good] = []
            for outcome in outcomes {
                switch outcome {
                case .bad(let row): rejected.append(row)
                case .good(let row):
                    switch checker.check(row, in: reader) {
                    case .bad(let row): rejected.append(row)
                    case .good(let row): good.append(row)
                    }
                }
            }
            // Asked even when no longer adding, so that every conflicting row is reported.
            let registered = try sink.alreadyRegistered(pins: good.compactMap(\.record.resident.pin),
                                                        oldIDs: good.compactMap(\.record.resident.oldIdNumber))
            for var row in good {
                let resident = row.record.resident
                var reasons: [String] = []
                if let pin = resident.pin, registered.pins.contains(pin) { reasons.append("pin: this PIN has already been issued in the register") }
                if let old = resident.oldIdNumber, registered.oldIDs.contains(old) { reasons.append("old_id_number: already belongs to a record in the register") }
                if !reasons.isEmpty {
                    rejected.append(.init(line: row.line, fields: try reader.fields(in: row.range), reason: reasons.joined(separator: "; ")))
                    continue
                }
                guard adding else { continue }
                if let code = row.householdCode, let address = resident.permanentResidence {
                    if let id = households[code] {
                        row.record.householdId = id
                    } else {
                        let id = try sink.add(Household(provinceCode: resident.provinceCode, address: address))
                        households[code] = id
                        row.record.householdId = id
                    }
                }
                try sink.add(row.record)
            }
            progress(seen, total)
        }
    }

    /// The reader thread: every record after the header, checked, in batches; then the end.
    private static func read(_ reader: CSVReader, checker: ImportRowChecker, into handOff: HandOff<Message>) {
        var batch: [ImportRowChecker.Outcome] = []
        batch.reserveCapacity(batchSize)
        var header = true
        do {
            try reader.forEachRecord { line, fields, range in
                if header {
                    header = false
                    return
                }
                batch.append(checker.parse(line: line, fields: fields, range: range))
                if batch.count == batchSize {
                    guard handOff.put(.rows(batch)) else { throw Stopped() }
                    batch = []
                    batch.reserveCapacity(batchSize)
                }
            }
            if !batch.isEmpty { guard handOff.put(.rows(batch)) else { return } }
            _ = handOff.put(.end(nil))
        } catch is Stopped {
            return
        } catch {
            _ = handOff.put(.end(error))
        }
    }
}

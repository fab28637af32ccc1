import CanCuocCore
import Foundation
import Synchronization

/// Loads residents from the documented CSV. Every row is checked (form, register rules, duplicate PIN
/// or old ID within the file and against the register); by default nothing is imported if any row is
/// bad. With `skipInvalid` the good rows load and the bad ones are returned with their reasons.
///
/// One pass over the (memory-mapped) file, checking and loading at once on two threads
/// (`ImportPipeline`), in one transaction, so memory stays flat and a failed import leaves nothing.
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

    public init(service: RegisterService) { self.service = service }

    /// `progress` gets the rows read so far and the file's row count.
    public func run(file: URL, skipInvalid: Bool, actor: String, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Report {
        let reader = try CSVReader(contentsOf: file)
        guard let header = try reader.firstRecord() else { throw ResidentCSVError.empty }
        let validator = ResidentValidator(catalog: service.catalog, today: LocalDate(service.clock()))
        let pipeline = ImportPipeline(reader: reader, checker: try ImportRowChecker(header: header, validator: validator),
                                      skipInvalid: skipInvalid, total: max(1, reader.lineCount - 1), progress: progress)
        let context = ChangeContext(actor: actor, reason: "import from \(file.lastPathComponent)", at: service.clock())
        let rejected = RejectedRows()
        let bulk = service.store.bulk
        var imported = 0
        do {
            imported = try await bulk.fastLoad {
                try await bulk.loadStreaming(context: context) { sink in
                    var bad: [Rejected] = []
                    defer { rejected.rows.withLock { $0 = bad } }
                    try pipeline.run(into: &sink, rejected: &bad)
                }
            }
        } catch is ImportPipeline.Abandoned {
            imported = 0
        }
        let rows = rejected.rows.withLock { $0 }.sorted { $0.line < $1.line }
        return Report(imported: imported, rejected: rows, header: header)
    }

    /// The bad rows, out of the load's closure.
    private final class RejectedRows: Sendable {
        let rows = Mutex<[Rejected]>([])
    }
}

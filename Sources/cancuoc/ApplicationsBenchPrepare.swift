import ArgumentParser
import CanCuocCore
import CanCuocStore
import Foundation

/// `cancuoc applications bench-prepare` (hidden, for `make bench`): takes applications for `count` eligible
/// residents of the register, captures their biometrics (the bench portrait for every kind) and approves them,
/// so that a production batch can be measured.
struct ApplicationsBenchPrepare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-prepare", abstract: "Approved applications with biometrics, for benchmarks.", shouldDisplay: false)

    @OptionGroup var database: DatabaseOption
    @Option(help: "Applications to prepare.") var count = 10_000

    func run() async throws {
        let store = try await database.open()
        let keys = try await database.keyRing(for: store)
        let today = LocalDate(Date())
        let service = ApplicationService(store: store)
        let capture = BiometricService(store: store, keys: keys)
        let face = CardBench.face()
        var chosen: [Resident] = []
        try await store.bulk.forEachResident(pageSize: 2_000) { page in
            for resident in page where chosen.count < count * 2 {
                if CardEligibility(resident: resident, on: today).isEligible, resident.birthDate.year < today.year - 15,
                   service.recordProblems(resident, on: today).isEmpty {
                    chosen.append(resident)
                }
            }
        }
        let start = Date()
        // Four workers: the reads and the sealing overlap the database's single writer.
        let workers = 4
        let slices = (0..<workers).map { w in Array(chosen.enumerated().filter { $0.offset % workers == w }.map(\.element)) }
        let quota = (count + workers - 1) / workers
        let prepared = try await withThrowingTaskGroup(of: Int.self) { group in
            for slice in slices {
                group.addTask {
                    var done = 0
                    for resident in slice where done < quota {
                        guard let pin = resident.pin,
                              let (application, _) = try? await service.create(.init(pin: pin, kind: .first, reason: nil, date: today, site: "38"), for: resident, actor: "bench")
                        else { continue }
                        let captures = try await service.missingBiometrics(of: application).map {
                            BiometricService.Capture(kind: $0, format: "jpeg", width: 24, height: 32, bytes: face)
                        }
                        try await capture.capture(captures, applicationID: application.id, actor: "bench")
                        _ = try await service.advance(id: application.id, to: .transferred, actor: "bench")
                        _ = try await service.advance(id: application.id, to: .approved, actor: "bench")
                        done += 1
                    }
                    return done
                }
            }
            return try await group.reduce(0, +)
        }
        print("prepared \(prepared) approved applications in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
    }
}

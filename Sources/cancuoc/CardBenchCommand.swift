import ArgumentParser
import CanCuocChip
import CanCuocCore
import Foundation

/// `cancuoc card bench` (hidden, for `make bench`): personalises whole cards in memory on every core (card data
/// from the register's record, MRZ, QR payload and its PNG and SVG images, DG1, DG2, DG13, EF.COM, the signed
/// EF.SOD), then verifies them all (passive authentication), and prints the rates.
struct CardBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Benchmark card personalisation and verification.", shouldDisplay: false)

    @Option(help: "Cards to make.") var count = 20_000
    @Option(help: "Worker tasks (default: one per core).") var workers: Int?

    /// A 24 x 32 JPEG padded with comment segments to the size of a real card portrait (~16 KB).
    static func face() -> [UInt8] {
        let small = [UInt8](Data(base64Encoded: "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZGNywtQFdBRkxOUlNSMj5aYVpQYEpRUk//2wBDAQ4ODhMREyYVFSZPNS01T09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT0//wAARCAAgABgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDeooormOoKKKKACiiigAooooA//9k=")!)
        var out: [UInt8] = [0xFF, 0xD8]
        for _ in 0..<4 { out += [0xFF, 0xFE, 0x0F, 0xA2] + [UInt8](repeating: 0x20, count: 0x0FA0) }
        return out + small.dropFirst(2)
    }

    func run() async throws {
        let issued = LocalDate(Date())
        var generator = try PopulationGenerator(provinceCode: "38", people: count * 2, seed: 2026)
        var cards: [CardData] = []
        while cards.count < count, let output = generator.next() {
            for resident in output.members where cards.count < count {
                if let data = try? CardData(resident: resident, issuedOn: issued) { cards.append(data) }
            }
        }
        let residents = cards.count
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cancuoc-card-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let pki = PKIDirectory(url: folder)
        let passphrase = "benchmark passphrase, thrown away"
        try pki.initialise(passphrase: passphrase)
        let signer = try pki.signer(passphrase: passphrase)
        let face = Self.face()
        let tasks = workers ?? ProcessInfo.processInfo.activeProcessorCount
        let perTask = (cards.count + tasks - 1) / tasks
        let slices = stride(from: 0, to: cards.count, by: perTask).map { Array(cards[$0..<min($0 + perTask, cards.count)]) }

        let start = ContinuousClock.now
        let made: [[[LDSFile: [UInt8]]]] = try await withThrowingTaskGroup(of: [[LDSFile: [UInt8]]].self) { group in
            for slice in slices {
                group.addTask {
                    // A copy per worker: two cores retaining one shared buffer would contend on its reference count.
                    let face = Array(face)
                    var out: [[LDSFile: [UInt8]]] = []
                    out.reserveCapacity(slice.count)
                    for data in slice {
                        let card = try PersonalisedCard(data: data, faceJPEG: face, signer: signer)
                        let qr = try card.qr()
                        _ = try qr.png()
                        _ = qr.svg()
                        out.append(card.files)
                    }
                    return out
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let personalised = ContinuousClock.now - start

        let authenticator = PassiveAuthenticator(trusted: try TrustedCSCAs(pkiDirectory: folder))
        let verifyStart = ContinuousClock.now
        let failures = await withTaskGroup(of: Int.self) { group in
            for batch in made {
                group.addTask {
                    var failed = 0
                    for files in batch where !(await authenticator.verify(files: files).passed) { failed += 1 }
                    return failed
                }
            }
            return await group.reduce(0, +)
        }
        let verified = ContinuousClock.now - verifyStart
        guard failures == 0 else {
            printError("card bench: \(failures) cards failed passive authentication")
            throw ExitCode(1)
        }
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        print(String(format: "personalise %d %.3f %.0f", residents, seconds(personalised), Double(residents) / seconds(personalised)))
        print(String(format: "verify %d %.3f %.0f", residents, seconds(verified), Double(residents) / seconds(verified)))
    }
}

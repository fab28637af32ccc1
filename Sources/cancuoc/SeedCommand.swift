import ArgumentParser
import CanCuocCore
import CanCuocSQLite
import CanCuocStore
import Foundation

struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed", abstract: "Generate a synthetic population of a province into an empty register.")

    @Option(help: "Province code (2 digits).") var province: String = "38"
    @Option(help: "Number of residents.") var people: Int
    @Option(help: "Random seed: the same seed gives the same population.") var seed: UInt64 = 2021
    @OptionGroup var database: DatabaseOption

    func validate() throws {
        guard people > 0 else { throw ValidationError("--people must be positive") }
    }

    func run() async throws {
        let bar = ProgressBar(label: "seed")
        let start = Date()
        let province = self.province, people = self.people, seed = self.seed
        let progress: @Sendable (Int, Int) -> Void = { done, total in bar.update(done, of: total) }
        do {
            let loaded: Int
            if let path = database.newFilePath {
                // A new file is built in one go, without a journal, and appears only when complete.
                loaded = try await SQLiteRegister.build(newFileAt: path) { register in
                    try await PopulationSeeder(store: register).run(provinceCode: province, people: people, seed: seed, progress: progress)
                }
            } else {
                loaded = try await PopulationSeeder(store: try await database.open()).run(provinceCode: province, people: people, seed: seed, progress: progress)
            }
            bar.finish()
            let seconds = Date().timeIntervalSince(start)
            print("seeded \(loaded) residents of province \(province) in \(String(format: "%.1f", seconds)) s (\(Int(Double(loaded) / max(seconds, 0.001))) rows/s)")
        } catch let error as SeedError {
            bar.finish()
            printError("seed: \(error.description)")
            throw ExitCode(1)
        } catch let error as GeneratorError {
            bar.finish()
            printError("seed: \(error.description)")
            throw ExitCode(1)
        }
    }
}

import Foundation
import Testing

/// The command-line contract scripts depend on, checked on the built binary.
@Suite struct CommandLineTests {
    enum ResidentCSVHeader {
        static let prefix = "pin,"
    }

    static var binary: URL {
        // Tests run from .build/<config>/CanCuocPackageTests.xctest; the tool is built beside it.
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("cancuoc").path), url.path != "/" {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent("cancuoc")
    }

    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func pinDecodeAndValidate() throws {
        let decoded = try Self.run(["pin", "decode", "038193001234"])
        #expect(decoded.status == 0)
        let object = try #require(JSONSerialization.jsonObject(with: Data(decoded.stdout.utf8)) as? [String: Any])
        #expect(object["province_code"] as? String == "038")
        #expect(object["province_name"] as? String == "Tỉnh Thanh Hóa")
        #expect(object["sex"] as? String == "female")
        #expect(object["birth_year"] as? Int == 1993)
        #expect(object["serial"] as? String == "001234")
        #expect(object["pin"] as? String == "038193001234")

        let bad = try Self.run(["pin", "decode", "999193001234"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("999"))
        #expect(try Self.run(["pin", "decode", "999193001234", "--abroad"]).status == 0)
        #expect(try Self.run(["pin", "validate", "038193001234", "--sex", "female", "--birth-year", "1993"]).status == 0)
        let mismatch = try Self.run(["pin", "validate", "038193001234", "--sex", "male"])
        #expect(mismatch.status == 2)
        #expect(mismatch.stderr.contains("female"))
        #expect(try Self.run(["pin", "validate", "038193001234", "--birth-year", "1994"]).status == 2)
    }

    /// `--out` writes into what is there: an existing file is truncated, a pipe stays a pipe
    /// (a rename over it would have turned /dev/null into a plain file once).
    @Test func exportWritesIntoAnExistingFileOrPipe() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cancuoc-export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let db = folder.appendingPathComponent("r.sqlite").path
        #expect(try Self.run(["seed", "--people", "30", "--db", db]).status == 0)
        let file = folder.appendingPathComponent("out.csv").path
        try Data(String(repeating: "old content\n", count: 10_000).utf8).write(to: URL(fileURLWithPath: file))
        #expect(try Self.run(["export", "residents", "--db", db, "--out", file]).status == 0)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasPrefix(ResidentCSVHeader.prefix) && !text.contains("old content"))
        #expect(text.split(separator: "\n").count == 31)

        let fifo = folder.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = Task.detached { FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile() ?? Data() }
        #expect(try Self.run(["export", "residents", "--db", db, "--out", fifo]).status == 0)
        let piped = String(decoding: await reader.value, as: UTF8.self)
        #expect(piped == text)
        #expect(try FileManager.default.attributesOfItem(atPath: fifo)[.type] as? FileAttributeType != .typeRegular)
    }

    @Test func unitsListPrintsTheSubtreeValidOnADate() throws {
        let old = try Self.run(["units", "list", "--province", "38", "--on", "2021-02-10"])
        #expect(old.status == 0)
        let lines = old.stdout.split(separator: "\n")
        #expect(lines.first == "code,level,type,name,parent_code")
        #expect(lines[1] == "38,province,tỉnh,Tỉnh Thanh Hóa,")
        #expect(lines.count == 1 + 1 + 26 + 549)
        let new = try Self.run(["units", "list", "--province", "38", "--on", "2025-07-01"])
        #expect(new.stdout.split(separator: "\n").count == 1 + 1 + 166)
        #expect(try Self.run(["units", "list", "--province", "99"]).status != 0)
    }

    @Test func seedExportImportRoundTripOnFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = folder.appendingPathComponent("a.sqlite").path
        let second = folder.appendingPathComponent("b.sqlite").path
        let csv = folder.appendingPathComponent("residents.csv").path
        let seeded = try Self.run(["seed", "--province", "38", "--people", "500", "--seed", "4", "--db", first])
        #expect(seeded.status == 0, "\(seeded.stderr)")
        #expect(seeded.stdout.contains("seeded 500 residents"))
        #expect(try Self.run(["seed", "--province", "38", "--people", "5", "--db", first]).status == 1)
        #expect(try Self.run(["export", "residents", "--db", first, "--out", csv]).status == 0)
        let imported = try Self.run(["import", "residents", csv, "--db", second])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("imported 500 residents"))
        let again = try Self.run(["export", "residents", "--db", second])
        // Households are numbered in the order they first appear, so the second export is the same file.
        #expect(again.stdout == (try String(contentsOfFile: csv, encoding: .utf8)))
        // Importing the same file again: every PIN is already issued, so nothing loads and the exit code says so.
        let duplicate = try Self.run(["import", "residents", csv, "--db", second])
        #expect(duplicate.status == 1)
        #expect(duplicate.stderr.contains("line 2:"))
        let rejects = folder.appendingPathComponent("rejects.csv").path
        let skipping = try Self.run(["import", "residents", csv, "--db", second, "--skip-invalid", rejects])
        #expect(skipping.status == 0)
        #expect((try String(contentsOfFile: rejects, encoding: .utf8)).split(separator: "\n").count == 501)
    }
}

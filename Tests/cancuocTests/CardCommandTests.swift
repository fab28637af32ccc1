import Foundation
import GRDB
import Testing

/// `cancuoc pki` and `cancuoc card` on a real database file and PKI folder.
@Suite struct CardCommandTests {
    static func run(_ arguments: [String]) throws -> CommandLineTests.Run { try CommandLineTests.run(arguments) }

    @Test func dueDatesFromTheCommandLine() throws {
        #expect(try Self.run(["calendar", "due", "--from", "2021-02-05", "--working-days", "7"]).stdout == "2021-02-23\n")
        #expect(try Self.run(["calendar", "due", "--from", "2021-04-29", "--working-days", "2"]).stdout == "2021-05-05\n")
        let uncovered = try Self.run(["calendar", "due", "--from", "2030-01-02", "--working-days", "2"])
        #expect(uncovered.status == 1 && uncovered.stderr.contains("no days off for 2030"))
        #expect(try Self.run(["calendar", "due", "--from", "2021-02-30", "--working-days", "2"]).status != 0)
    }

    /// A 240 × 320 JPEG portrait.
    static let face = Data(base64Encoded: "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAUDBAQEAwUEBAQFBQUGBwwIBwcHBw8LCwkMEQ8SEhEPERETFhwXExQaFRERGCEYGh0dHx8fExciJCIeJBweHx7/2wBDAQUFBQcGBw4ICA4eFBEUHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh7/wAARCAFAAPADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwD16iiivHPbCiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooAKKKKACiiigAooooA//9k=")!

    @Test func applicationsFromTheCommandLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-apps-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("register.sqlite").path
        #expect(try Self.run(["seed", "--province", "38", "--people", "200", "--db", db]).status == 0)
        let pin = try DatabaseQueue(path: db).read { db in
            try String.fetchOne(db, sql: "SELECT pin FROM residents WHERE pin IS NOT NULL AND birth_date < '1990' AND death_date IS NULL LIMIT 1")!
        }
        let created = try Self.run(["applications", "create", "--db", db, "--pin", pin, "--kind", "first", "--date", "2021-07-23", "--request-id", "f1"])
        #expect(created.status == 0, "\(created.stderr)")
        let object = try #require(JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])
        let id = try #require(object["id"] as? Int)
        #expect(object["state"] as? String == "received" && (object["receipt_code"] as? String)?.hasPrefix("38-") == true)
        #expect((object["due_date"] as? String)?.hasPrefix("2021-08") == true)
        // The same request id returns the same application.
        #expect(try Self.run(["applications", "create", "--db", db, "--pin", pin, "--kind", "first", "--date", "2021-07-23", "--request-id", "f1"]).stdout == created.stdout)
        let refused = try Self.run(["applications", "advance", String(id), "--db", db, "--to", "approved"])
        #expect(refused.status == 2 && refused.stderr.contains("cannot go from received to approved"))
        let early = try Self.run(["applications", "advance", String(id), "--db", db, "--to", "transferred"])
        #expect(early.status == 2 && early.stderr.contains("capture first: face, finger-01"))
        // Biometrics: the 2021 law wants the face, ten fingers and the signature; images are checked, then sealed.
        let image = folder.appendingPathComponent("image.jpg").path
        try Self.face.write(to: URL(fileURLWithPath: image))
        let text = folder.appendingPathComponent("note.txt").path
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: text))
        let bad = try Self.run(["applications", "capture", String(id), "--db", db, "--kind", "face", "--file", text])
        #expect(bad.status == 1 && bad.stderr.contains("must be JPEG"))
        for kind in ["face", "finger-01", "finger-02", "finger-03", "finger-04", "finger-06", "finger-07", "finger-08", "finger-09", "finger-10"] {
            #expect(try Self.run(["applications", "capture", String(id), "--db", db, "--kind", kind, "--file", image]).status == 0)
        }
        let declared = try Self.run(["applications", "capture", String(id), "--db", db, "--kind", "finger-05", "--unavailable", "cụt ngón"])
        #expect(declared.status == 0 && declared.stdout.contains("missing: signature"))
        #expect(try Self.run(["applications", "capture", String(id), "--db", db, "--kind", "signature", "--file", image]).stdout.contains("complete"))
        #expect(try Self.run(["applications", "advance", String(id), "--db", db, "--to", "transferred"]).status == 0)
        let shown = try Self.run(["applications", "show", String(id), "--db", db])
        let history = try #require((JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])?["history"] as? [[String: Any]])
        #expect(history.map { $0["to"] as? String } == ["received", "transferred"])
        #expect(try Self.run(["applications", "show", "999", "--db", db]).status == 1)
    }

    @Test func personaliseAndVerifyFromTheCommandLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-card-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("register.sqlite").path
        let pki = folder.appendingPathComponent("pki").path
        #expect(try Self.run(["seed", "--province", "38", "--people", "300", "--db", db]).status == 0)
        let passphrase = folder.appendingPathComponent("passphrase").path
        try "a passphrase for the tests\n".write(toFile: passphrase, atomically: true, encoding: .utf8)

        let noPassphrase = try Self.run(["pki", "init", "--pki", pki])
        #expect(noPassphrase.status != 0 && noPassphrase.stderr.contains("CANCUOC_PKI_PASSPHRASE"))
        let initialised = try Self.run(["pki", "init", "--pki", pki, "--passphrase-file", passphrase])
        #expect(initialised.status == 0, "\(initialised.stderr)")
        #expect(initialised.stdout.contains("CSCA  CN=CSCA Viet Nam"))
        #expect(try Self.run(["pki", "init", "--pki", pki, "--passphrase-file", passphrase]).stderr.contains("already holds a CSCA"))

        let queue = try DatabaseQueue(path: db)
        let (adult, child) = try queue.read { db in
            (try String.fetchOne(db, sql: "SELECT pin FROM residents WHERE pin IS NOT NULL AND birth_date < '1980' AND death_date IS NULL LIMIT 1")!,
             try String.fetchOne(db, sql: "SELECT pin FROM residents WHERE pin IS NOT NULL AND birth_date > '2015' LIMIT 1")!)
        }
        let photo = folder.appendingPathComponent("face.jpg").path
        try Self.face.write(to: URL(fileURLWithPath: photo))
        let out = folder.appendingPathComponent("card").path
        let issue = ["card", "personalize", "--db", db, "--pki", pki, "--passphrase-file", passphrase, "--photo", photo]
        let issued = try Self.run(issue + ["--pin", adult, "--out", out])
        #expect(issued.status == 0, "\(issued.stderr)")
        #expect(issued.stdout.contains("2023 law"))
        for file in ["EF.COM", "DG1.bin", "DG2.bin", "DG13.bin", "EF.SOD", "mrz.txt", "qr.txt", "qr.png", "qr.svg", "card.json"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file)")
        }
        let again = try Self.run(issue + ["--pin", adult, "--out", out])
        #expect(again.status != 0 && again.stderr.contains("never overwrites"))
        // Under the 2023 law a child may have a card, but not one under 2014 rules.
        let childIn2021 = try Self.run(issue + ["--pin", child, "--issued", "2021-06-01", "--out", folder.appendingPathComponent("child").path])
        #expect(childIn2021.status == 1 && childIn2021.stderr.contains("not eligible"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("child").path))

        let masterlist = folder.appendingPathComponent("masterlist.pem").path
        #expect(try Self.run(["pki", "masterlist", "--pki", pki, "--out", masterlist]).status == 0)
        let verified = try Self.run(["card", "verify", out, "--csca", masterlist])
        #expect(verified.status == 0, "\(verified.stdout)")
        #expect(verified.stdout.contains("PASS  DS certificate validity"))

        // A CSCA that did not issue this card's Document Signer.
        let otherPKI = folder.appendingPathComponent("other").path
        #expect(try Self.run(["pki", "init", "--pki", otherPKI, "--passphrase-file", passphrase]).status == 0)
        let otherList = folder.appendingPathComponent("other.pem").path
        #expect(try Self.run(["pki", "masterlist", "--pki", otherPKI, "--out", otherList]).status == 0)
        let wrong = try Self.run(["card", "verify", out, "--csca", otherList])
        #expect(wrong.status == 1 && wrong.stdout.contains("FAIL  DS certificate chain"))

        // The personalisation is in the audit trail, and the card in the register.
        let trail = try DatabaseQueue(path: folder.appendingPathComponent("register.audit.sqlite").path)
        let entries = try trail.read { db in try String.fetchAll(db, sql: "SELECT action FROM audit_entries") }
        try trail.close()
        #expect(entries.contains("card.personalise"))
        let stored = try queue.read { db in try Row.fetchOne(db, sql: "SELECT pin, length(ef_sod), face_sealed IS NOT NULL FROM cards") }
        #expect(stored?[0] as String? == adult && (stored?[1] as Int? ?? 0) > 500 && stored?[2] as Bool? == true)
        // The face is sealed: its JPEG bytes are not in the file.
        let sealed = try queue.read { db in try Data.fetchOne(db, sql: "SELECT face_sealed FROM cards") }
        #expect(sealed?.starts(with: [0xFF, 0xD8]) == false)

        // Rotating the data key re-seals the portrait with the audit signing key.
        let rotated = try Self.run(["keys", "rotate", "--db", db])
        #expect(rotated.status == 0 && rotated.stdout.contains("re-sealed 2 stored secrets"), "\(rotated.stdout)")

        // A card without a face (and no --photo) is refused.
        let noFace = try Self.run(["card", "personalize", "--db", db, "--pki", pki, "--passphrase-file", passphrase, "--pin", adult,
                                   "--out", folder.appendingPathComponent("noface").path])
        #expect(noFace.status == 1 && noFace.stderr.contains("no face image"))

        // Expiry and MRZ checks on their own.
        #expect(try Self.run(["card", "expiry", "--dob", "1993-01-05", "--issued", "2021-07-24"]).stdout == "2033-01-05\n")
        #expect(try Self.run(["card", "expiry", "--dob", "1960", "--issued", "2021-07-24"]).stdout == "none\n")
        #expect(try Self.run(["card", "expiry", "--dob", "2012-09-01", "--issued", "2024-09-01", "--law", "2014"]).stdout == "2037-09-01\n")
        #expect(try Self.run(["mrz", "check", out + "/mrz.txt"]).status == 0)
        let badMRZ = folder.appendingPathComponent("bad.txt").path
        try "IDVNM2039999995079203999999<<5\n0304150M2804154VNM<<<<<<<<<<<4\nTRAN<<VAN<B<<<<<<<<<<<<<<<<<<<\n".write(toFile: badMRZ, atomically: true, encoding: .utf8)
        let checked = try Self.run(["mrz", "check", badMRZ])
        #expect(checked.status == 1 && checked.stderr.contains("check digit of the date of birth (line 2, position 7) is 0, expected 5"))
    }
}

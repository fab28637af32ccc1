import Foundation
import GRDB
import Testing

/// `cancuoc user`, `cancuoc token`, `cancuoc audit verify` and `cancuoc keys rotate` on a real database file.
@Suite struct SecurityCommandTests {
    static func run(_ arguments: [String]) throws -> CommandLineTests.Run { try CommandLineTests.run(arguments) }

    @Test func accountsTokensAndTheAuditTrailFromTheCommandLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-sec-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("register.sqlite").path
        #expect(try Self.run(["seed", "--province", "38", "--people", "50", "--db", db]).status == 0)

        let added = try Self.run(["user", "add", "--db", db, "--username", "pc06", "--role", "province-officer", "--unit", "38"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("first password: "))
        #expect(added.stdout.contains("TOTP key (base32, for an authenticator app): "))
        // The key file was created beside the database, readable by its owner only.
        let keys = folder.appendingPathComponent("register.keys").path
        #expect((try FileManager.default.attributesOfItem(atPath: keys)[.posixPermissions] as? Int) == 0o600)

        let passwordFile = folder.appendingPathComponent("pw").path
        try "mat-khau-ngan-hang-1\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        #expect(try Self.run(["user", "add", "--db", db, "--username", "bank", "--role", "agency", "--unit", "38", "--password-file", passwordFile]).status == 0)
        let duplicate = try Self.run(["user", "add", "--db", db, "--username", "pc06", "--role", "leader", "--unit", "38"])
        #expect(duplicate.status == 1 && duplicate.stderr.contains("already exists"))
        let badUnit = try Self.run(["user", "add", "--db", db, "--username", "xa9", "--role", "commune-officer", "--unit", "38"])
        #expect(badUnit.status == 1 && badUnit.stderr.contains("commune"))
        let badRole = try Self.run(["user", "add", "--db", db, "--username", "xa9", "--role", "king", "--unit", "38"])
        #expect(badRole.status != 0)

        let token = try Self.run(["token", "issue", "--db", db, "--username", "bank", "--scope", "residents.verify", "--days", "30"])
        #expect(token.status == 0, "\(token.stderr)")
        let secret = token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(secret.hasPrefix("cc_") && !secret.contains("\n"))
        let tooMuch = try Self.run(["token", "issue", "--db", db, "--username", "bank", "--scope", "residents.read"])
        #expect(tooMuch.status == 1 && tooMuch.stderr.contains("does not have residents.read"))
        let listed = try Self.run(["token", "list", "--db", db])
        #expect(listed.stdout.contains(",bank,\"residents.verify\"") && !listed.stdout.contains(secret))
        #expect(try Self.run(["token", "revoke", "--db", db, "1"]).status == 0)
        #expect(try Self.run(["token", "list", "--db", db]).stdout.contains(",revoked"))

        #expect(try Self.run(["user", "disable", "--db", db, "--username", "bank"]).stdout.contains("disabled bank"))
        let reset = try Self.run(["user", "reset-password", "--db", db, "--username", "pc06"])
        #expect(reset.status == 0 && reset.stdout.contains("new first password for pc06: "))
        let users = try Self.run(["user", "list", "--db", db])
        #expect(users.stdout.contains("bank,agency,2025-07/38,disabled,false"))
        #expect(users.stdout.contains("pc06,province-officer,2025-07/38,must-change-password,true"))

        let verified = try Self.run(["audit", "verify", "--db", db])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("intact: 6 entries"))

        let rotated = try Self.run(["keys", "rotate", "--db", db])
        #expect(rotated.status == 0 && rotated.stdout.contains("re-sealed 2 stored secrets"))
        #expect(try Self.run(["audit", "verify", "--db", db]).status == 0)

        // Someone with the trail's file quietly changes what an entry says.
        let queue = try DatabaseQueue(path: folder.appendingPathComponent("register.audit.sqlite").path)
        try queue.write { db in try db.execute(sql: "UPDATE audit_entries SET target = 'account:someone-else' WHERE seq = 2") }
        try queue.close()
        let broken = try Self.run(["audit", "verify", "--db", db])
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("BROKEN at entry 2: entry 2 was modified"))
    }

    @Test func aRegisterInUseRefusesToRunWithoutItsKeyFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("register.sqlite").path
        let keys = folder.appendingPathComponent("register.keys").path
        let moved = folder.appendingPathComponent("elsewhere.keys").path
        #expect(try Self.run(["seed", "--province", "38", "--people", "20", "--db", db]).status == 0)
        #expect(try Self.run(["user", "add", "--db", db, "--username", "pc06", "--role", "province-officer", "--unit", "38"]).status == 0)
        let keyID = try #require(try String(contentsOfFile: keys, encoding: .utf8).split(separator: "\n").last?.split(separator: " ").first)
        try FileManager.default.moveItem(atPath: keys, toPath: moved)

        for arguments in [["user", "add", "--db", db, "--username", "pc07", "--role", "province-officer", "--unit", "38"],
                          ["audit", "verify", "--db", db], ["batches", "create", "--db", db]] {
            let refused = try Self.run(arguments)
            #expect(refused.status == 1, "\(arguments[0]) \(arguments[1])")
            #expect(refused.stderr.contains("the key file \(keys) is missing, and this register holds data sealed with key \(keyID)"), "\(refused.stderr)")
            // No new key was made to be mistaken for the real one.
            #expect(!FileManager.default.fileExists(atPath: keys))
        }
        // Given its key file again (here by --keys), the register works, and the refused commands changed nothing.
        let users = try Self.run(["user", "list", "--db", db, "--keys", moved])
        #expect(users.status == 0, "\(users.stderr)")
        #expect(users.stdout.contains("pc06,") && !users.stdout.contains("pc07"))
        let verified = try Self.run(["audit", "verify", "--db", db, "--keys", moved])
        #expect(verified.status == 0 && verified.stdout.contains("intact: 1 entries"), "\(verified.stdout)")
    }
}

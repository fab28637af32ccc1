@testable import CanCuocPostgres
import Testing

@Suite struct PostgresLocationTests {
    @Test func readsEveryPartOfTheURL() throws {
        let location = try PostgresLocation(url: "postgres://officer:p%40ss@127.0.0.1:55432/register?sslmode=disable")
        #expect(location.host == "127.0.0.1")
        #expect(location.port == 55432)
        #expect(location.username == "officer")
        #expect(location.password == "p@ss")
        #expect(location.database == "register")
        #expect(location.sslMode == .disable)
        // The password never appears in messages.
        #expect(location.description == "postgres://officer@127.0.0.1:55432/register")
    }

    @Test(arguments: [
        ("mysql://a@b/c", "expected postgres://"),
        ("postgres://a@/c", "no host"),
        ("postgres://localhost/c", "no user"),
        ("postgres://a@localhost", "no database"),
        ("postgres://a@localhost/c?sslmode=maybe", "sslmode must be"),
        ("postgres://a@localhost/c?pool=3", "unknown URL parameter pool"),
    ])
    func badURLsSayWhatIsWrong(url: String, message: String) {
        #expect(throws: PostgresLocationError.self) { try PostgresLocation(url: url) }
        do {
            _ = try PostgresLocation(url: url)
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
        }
    }
}

import Testing
import VigilStore

@Suite struct StoreLocationTests {
    @Test func postgresURLsAreParsedAndPrintedWithoutTheirPassword() throws {
        let url = try PostgresURL(parsing: "postgres://vigil:s%40cret@db.example:6543/vigil?sslmode=require")
        #expect(url.host == "db.example")
        #expect(url.port == 6543)
        #expect(url.username == "vigil")
        #expect(url.password == "s@cret")
        #expect(url.database == "vigil")
        #expect(url.requireTLS)
        #expect(url.description == "postgres://vigil@db.example:6543/vigil?sslmode=require")
        #expect(url.withPasswordPlaceholder == "postgres://vigil:PASSWORD@db.example:6543/vigil?sslmode=require")
        #expect(try PostgresURL(parsing: "postgresql://u@h/d").port == 5432)
    }

    @Test func badURLsSayWhatIsWrong() {
        for bad in ["mysql://u@h/d", "postgres://h/d", "postgres://u@h", "postgres://u@h/d?sslmode=verify-full", "nonsense"] {
            #expect(throws: PostgresURL.ParseError.self, "\(bad)") { try PostgresURL(parsing: bad) }
        }
    }

    @Test func aURLWinsOverTheDataDirectory() throws {
        #expect(try StoreLocation.resolve(databaseURL: nil, dataDirectory: "d") == .sqlite(path: "d/vigil.sqlite"))
        #expect(try StoreLocation.resolve(databaseURL: "", dataDirectory: "d") == .sqlite(path: "d/vigil.sqlite"))
        guard case .postgres = try StoreLocation.resolve(databaseURL: "postgres://u@h/d", dataDirectory: "d") else {
            Issue.record("expected PostgreSQL")
            return
        }
    }
}

import CanCuocCore
import Foundation

/// Instants as PostgreSQL keeps them: whole microseconds since 2000-01-01 UTC.
enum PostgresTime {
    static let epoch = Date(timeIntervalSince1970: 946_684_800)

    /// The microseconds PostgresNIO sends for `date` (it truncates toward zero).
    static func microseconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince(epoch) * 1_000_000)
    }

    /// `date` as it reads back from a `timestamptz` column, so a store returns what it stored.
    static func stored(_ date: Date) -> Date {
        Date(timeInterval: Double(microseconds(date)) / 1_000_000, since: epoch)
    }

    /// `2021-02-01 00:00:00.000000+00`, the text COPY reads, with the same truncation as binding.
    static func text(_ date: Date) -> String {
        let micros = microseconds(date)
        var days = micros / 86_400_000_000
        var rest = micros % 86_400_000_000
        if rest < 0 { rest += 86_400_000_000; days -= 1 }
        let day = LocalDate(dayNumber: Int(days) + 10_957)  // 2000-01-01 is day 10,957 after 1970-01-01
        let seconds = Int(rest / 1_000_000)
        return day.description + " " + Digits.padded(seconds / 3600, 2) + ":" + Digits.padded(seconds / 60 % 60, 2) + ":"
            + Digits.padded(seconds % 60, 2) + "." + Digits.padded(Int(rest % 1_000_000), 6) + "+00"
    }
}

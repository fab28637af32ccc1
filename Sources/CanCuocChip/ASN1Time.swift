import Foundation
import X509
import SwiftASN1

/// Certificates and CMS write times in UTC: one Gregorian calendar for every conversion (building one per
/// call cost a noticeable share of signing a card).
enum ASN1Time {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static func components(_ date: Date) -> DateComponents {
        utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    }

    static func date(year: Int, month: Int, day: Int, hours: Int, minutes: Int, seconds: Int) -> Date? {
        utc.date(from: DateComponents(year: year, month: month, day: day, hour: hours, minute: minutes, second: seconds))
    }
}

extension GeneralizedTime {
    init(_ date: Date) throws {
        let c = ASN1Time.components(date)
        try self.init(year: c.year!, month: c.month!, day: c.day!, hours: c.hour!, minutes: c.minute!, seconds: c.second!, fractionalSeconds: 0)
    }
}

extension UTCTime {
    init(_ date: Date) throws {
        let c = ASN1Time.components(date)
        try self.init(year: c.year!, month: c.month!, day: c.day!, hours: c.hour!, minutes: c.minute!, seconds: c.second!)
    }

    var date: Date? { ASN1Time.date(year: year, month: month, day: day, hours: hours, minutes: minutes, seconds: seconds) }
}

extension Date {
    init(generalized time: GeneralizedTime) {
        self = ASN1Time.date(year: time.year, month: time.month, day: time.day, hours: time.hours, minutes: time.minutes, seconds: time.seconds)!
    }
}

/// Upper- or lower-case hexadecimal, for key material, serial numbers and file names.
public enum Hex {
    public static func string(_ bytes: some Sequence<UInt8>, uppercase: Bool = false) -> String {
        let digits = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var out: [UInt8] = []
        for byte in bytes { out += [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]] }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Certificate.SerialNumber {
    /// Lower-case hex, as the PKI folder names files and card records name their signer.
    public var hex: String { Hex.string(bytes) }
}

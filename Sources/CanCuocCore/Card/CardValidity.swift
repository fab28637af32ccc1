/// When a card expires, by the law in force on its issue date (REFERENCE.md, "The card"):
/// on the holder's birthday at the next threshold age; a threshold at most 2 years away at issue is skipped
/// (the card stays valid until the one after); a card issued from age 58 has no expiry.
///
/// Documented choices (docs/card.md):
/// - a 29 February birthday falls on 28 February in non-leap years, for the expiry and for ages;
/// - a partial date of birth counts from its first possible day (1 January for a year only, the 1st for a
///   month and year), so a card never outlives the threshold the holder may already have reached.
public enum CardValidity {
    /// The age from which a card never expires.
    public static let noExpiryAge = 58
    /// A threshold this close (in years) at issue is skipped.
    public static let graceYears = 2

    /// nil means the card does not expire ("Không thời hạn").
    public static func expiry(birthDate: LocalDate, issuedOn: LocalDate, law: CardLaw? = nil) -> LocalDate? {
        let law = law ?? .inForce(on: issuedOn)
        if age(birthDate: birthDate, on: issuedOn) >= noExpiryAge { return nil }
        for threshold in law.thresholdAges {
            let birthday = birthdayAt(age: threshold, birthDate: birthDate)
            guard birthday > issuedOn else { continue }
            if issuedOn >= birthdayAt(age: threshold - graceYears, birthDate: birthDate) { continue }
            return birthday
        }
        return nil
    }

    public static func expiry(birthDate: PartialDate, issuedOn: LocalDate, law: CardLaw? = nil) -> LocalDate? {
        expiry(birthDate: birthDate.earliest, issuedOn: issuedOn, law: law)
    }

    /// The holder's birthday at `age`; 28 February stands for 29 February in non-leap years.
    public static func birthdayAt(age: Int, birthDate: LocalDate) -> LocalDate {
        let year = birthDate.year + age
        let day = (birthDate.month == 2 && birthDate.day == 29 && !LocalDate.isLeap(year)) ? 28 : birthDate.day
        // swiftlint:disable:next force_try - a valid birth date moved to another year (29/2 handled above)
        return try! LocalDate(year: year, month: birthDate.month, day: day)
    }

    /// Completed years on `date`, counting a 29 February birthday on 28 February in non-leap years.
    public static func age(birthDate: LocalDate, on date: LocalDate) -> Int {
        var age = date.year - birthDate.year
        if birthdayAt(age: age, birthDate: birthDate) > date { age -= 1 }
        return max(age, 0)
    }

    public static func age(birthDate: PartialDate, on date: LocalDate) -> Int {
        age(birthDate: birthDate.earliest, on: date)
    }
}

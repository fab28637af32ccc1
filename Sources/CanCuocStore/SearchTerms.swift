import CanCuocCore

/// The words a record is found by, shared by every backend so that they give the same results:
/// the folded name's words, the date of birth at each known precision (`y1990`, `m199005`,
/// `d19900512`) and the permanent residence's commune (`u202501c14755`). A query is a conjunction of
/// groups; a record matches when it has at least one word of every group.
public enum SearchTerms {
    public static func terms(for resident: Resident) -> String {
        var words = VietnameseText.words(resident.fullName)
        words += dateTerms(resident.birthDate)
        if let unit = resident.permanentResidence?.unit { words.append(unitTerm(unit)) }
        return words.joined(separator: " ")
    }

    /// nil when the query has no criterion that the terms answer.
    public static func groups(for query: ResidentQuery) -> [[String]]? {
        var groups = query.nameWords.map { [$0] }
        if let birth = query.birthDate, let precise = dateTerms(birth).last { groups.append([precise]) }
        if let communes = query.communes { groups.append(communes.map(unitTerm)) }
        return groups.isEmpty ? nil : groups
    }

    static func dateTerms(_ date: PartialDate) -> [String] {
        let year = String(date.year)
        var terms = ["y" + year]
        if let month = date.month {
            let ym = year + (month < 10 ? "0" : "") + String(month)
            terms.append("m" + ym)
            if let day = date.day { terms.append("d" + ym + (day < 10 ? "0" : "") + String(day)) }
        }
        return terms
    }

    /// `u202501c38123`: the edition's "2025-01" without its dash (written out per edition: this runs for
    /// every record of a bulk load, where Foundation's `replacingOccurrences` cost 7 % of a seed).
    static func unitTerm(_ unit: UnitRef) -> String {
        switch unit.edition {
        case .threeLevel: "u202501c" + unit.code
        case .twoLevel: "u202507c" + unit.code
        }
    }
}

import Foundation
import Testing
@testable import CanCuocCore

@Suite struct CardQRPayloadTests {
    func sample() throws -> CardQRPayload {
        CardQRPayload(pin: "038093001234", oldIdNumber: "172345678", fullName: "Lê Thị Hồng Nhung",
                      birthDate: try PartialDate(iso: "1993-01-05"), sex: .female,
                      residence: "Thôn 3, Xã Hoằng Quang, Huyện Hoằng Hóa, Tỉnh Thanh Hóa", issuedOn: try LocalDate(iso: "2021-07-24"))
    }

    @Test func the2021CardHasSevenFields() throws {
        let text = try sample().text(edition: .chip2021)
        #expect(text == "038093001234|172345678|Lê Thị Hồng Nhung|05011993|Nữ|Thôn 3, Xã Hoằng Quang, Huyện Hoằng Hóa, Tỉnh Thanh Hóa|24072021")
        let back = try CardQRPayload(text: text)
        #expect(back.pin == "038093001234" && back.birthDate.description == "1993-01-05" && back.sex == .female)
        #expect(back.raw == text)
        #expect(back.text(edition: .chip2021) == text)
    }

    @Test func the2024CardAppendsCancelledPINAndParents() throws {
        var payload = try sample()
        payload.cancelledPIN = "038193001111"
        payload.fatherName = "Lê Văn Hùng"
        payload.motherName = "Phạm Thị Lan"
        let text = payload.text(edition: .card2024)
        #expect(text.split(separator: "|", omittingEmptySubsequences: false).count == 10)
        let back = try CardQRPayload(text: text)
        #expect(back.cancelledPIN == "038193001111" && back.fatherName == "Lê Văn Hùng" && back.motherName == "Phạm Thị Lan")
        #expect(back == payload)
    }

    @Test func readerIsTolerant() throws {
        let decomposed = "Nữ".decomposedStringWithCanonicalMapping
        let text = " 038093001234||Lê Thị Hồng Nhung|05/01/1993|\(decomposed)|Thanh Hóa|24072021|||||future field\n"
        let back = try CardQRPayload(text: text)
        #expect(back.sex == .female && back.oldIdNumber.isEmpty && back.birthDate.description == "1993-01-05")
        #expect(back.raw?.contains("future field") == true)
        let yearOnly = try CardQRPayload(text: "038050001234||Lê Văn Ba|00001950|Nam|Thanh Hóa|24072021")
        #expect(yearOnly.birthDate.description == "1950")
    }

    @Test func badTextIsRejectedWithTheField() {
        #expect(throws: CardQRError.tooFewFields(3)) { try CardQRPayload(text: "a|b|c") }
        #expect(throws: CardQRError.field(1, "PIN '03809300123' is not 12 digits")) {
            try CardQRPayload(text: "03809300123||Lê|05011993|Nữ|x|24072021")
        }
        #expect(throws: CardQRError.field(4, "date of birth '32011993' is not ddMMyyyy")) {
            try CardQRPayload(text: "038093001234||Lê|32011993|Nữ|x|24072021")
        }
        #expect(throws: CardQRError.field(5, "sex 'X' is not Nam or Nữ")) {
            try CardQRPayload(text: "038093001234||Lê|05011993|X|x|24072021")
        }
    }
}

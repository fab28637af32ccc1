import CanCuocChip
import CanCuocCore
import Foundation
import Testing

@Suite struct LDSFilesTests {
    @Test func dataGroupsRoundTrip() throws {
        let (pkiToRemove, signer) = try ChipFixtures.pki()
        defer { ChipFixtures.remove(pkiToRemove) }
        let card = try ChipFixtures.card(signer: signer)
        let dg1 = try #require(card.files[.dg1])
        #expect(dg1.prefix(5) == [0x61, 0x5D, 0x5F, 0x1F, 0x5A])  // 61 93 { 5F1F 90 characters }
        #expect(try LDSEncoding.mrz(fromDG1: dg1) == card.mrz.lines.joined())
        #expect(try TD1MRZ(text: try LDSEncoding.mrz(fromDG1: dg1)) == card.mrz)
        #expect(try DG2FaceImage.jpeg(fromDG2: try #require(card.files[.dg2])) == ChipFixtures.faceJPEG)
        #expect(card.files[.dg2]?.first == 0x75)
        #expect(try LDSEncoding.tagList(fromCOM: try #require(card.files[.com])) == [0x61, 0x75, 0x6D])
        let dg13 = try DG13(encoded: try #require(card.files[.dg13]))
        #expect(dg13[.pin] == "038093001234")
        #expect(dg13[.fullName] == "Lê Thị Hồng Nhung")
        #expect(dg13[.birthDate] == "05/01/1993")
        #expect(dg13[.issueDate] == "24/07/2021")
        #expect(dg13[.expiryDate] == "05/01/2033")
        #expect(dg13.fields[.parents] == ["Lê Văn Hùng", "Phạm Thị Lan"])
        #expect(dg13[.residence] == "Thôn 3, Thị trấn Hậu Lộc, Huyện Hậu Lộc, Tỉnh Thanh Hóa")
        #expect(dg13[.oldIdNumber] == "172345678")
    }

    @Test func jpegSizeIsReadAndNonJPEGRefused() throws {
        let info = try JPEGInfo(ChipFixtures.faceJPEG)
        #expect(info.width == 24 && info.height == 32 && info.components == 3)
        #expect(throws: JPEGError.notJPEG) { try JPEGInfo(Array("\u{89}PNG....".utf8)) }
        #expect(throws: JPEGError.self) { try JPEGInfo(Array(ChipFixtures.faceJPEG.prefix(40))) }
    }

    @Test func cardDataRefusesAnIneligibleResident() throws {
        var child = try ChipFixtures.resident()
        child.birthDate = try PartialDate(iso: "2010-01-01")
        #expect(throws: CardDataError.ineligible(.tooYoung(age: 11, minimumAge: 14))) {
            try CardData(resident: child, issuedOn: try LocalDate(iso: "2021-07-24"))
        }
        var homeless = try ChipFixtures.resident()
        homeless.permanentResidence = nil
        #expect(throws: CardDataError.missingField("permanent_residence")) {
            try CardData(resident: homeless, issuedOn: try LocalDate(iso: "2021-07-24"))
        }
    }

    @Test func qrTextFollowsTheCardEdition() throws {
        let resident = try ChipFixtures.resident()
        let card2021 = try CardData(resident: resident, issuedOn: try LocalDate(iso: "2021-07-24"))
        #expect(card2021.qrText == "038093001234|172345678|Lê Thị Hồng Nhung|05011993|Nữ|Thôn 3, Thị trấn Hậu Lộc, Huyện Hậu Lộc, Tỉnh Thanh Hóa|24072021")
        let card2024 = try CardData(resident: resident, issuedOn: try LocalDate(iso: "2024-09-02"), cancelledPIN: try PIN("038193001111"))
        #expect(card2024.qrText.hasSuffix("|02092024|038193001111||"))  // an adult: no parents
        #expect(card2024.issuingAuthority == "Bộ Công an")
    }
}

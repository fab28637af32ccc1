import CanCuocCore
import CanCuocStore
import Foundation
import Testing

/// The hand-written writer and Foundation's JSONEncoder must agree byte for byte.
@Suite struct CompactJSONTests {
    @Test func agreesWithJSONEncoder() throws {
        let links = [
            PersonLink(pin: try PIN("038060001111"), name: "Lê Văn \"Tư\" \\ A", nationality: "Việt Nam"),
            PersonLink(name: "Nguyễn Thị\nB", oldIdNumber: "170000001", nationality: "Lào"),
        ]
        let documents = [
            IdentityDocument(kind: .cccdBarcode, number: "038193001234", issuedOn: try LocalDate(iso: "2018-03-01"), issuedBy: "Cục CS/ĐKQL", expiresOn: try LocalDate(iso: "2033-07-01")),
            IdentityDocument(kind: .cmnd12, number: "038193001234", issuedOn: try LocalDate(iso: "2013-03-01"), issuedBy: "Công an tỉnh\tThanh Hóa"),
        ]
        #expect(CompactJSON.links(links) == (try RecordJSON.encode(links)))
        #expect(CompactJSON.link(links[1]) == (try RecordJSON.encode(links[1])))
        #expect(CompactJSON.documents(documents) == (try RecordJSON.encode(documents)))
        #expect(CompactJSON.strings(["a\u{1}b", "Hoa Lê"]) == (try RecordJSON.encode(["a\u{1}b", "Hoa Lê"])))
        #expect(CompactJSON.links([]) == nil && CompactJSON.link(nil) == nil && CompactJSON.documents([]) == nil)
    }
}

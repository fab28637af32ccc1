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

/// The hand-written reader is only a shortcut: what it reads equals what `JSONDecoder` reads, and
/// anything outside the plain form is left to the decoder (nil).
@Suite struct CompactJSONReaderTests {
    static let decoder = JSONDecoder()

    @Test func readsWhatTheWriterWritesAsTheDecoderDoes() throws {
        var generator = try PopulationGenerator(provinceCode: "38", people: 3_000, seed: 5)
        var documents = 0, links = 0
        while let household = generator.next() {
            for resident in household.members {
                if let text = CompactJSON.documents(resident.documents) {
                    let read = try #require(CompactJSONReader.documents(text), "\(text)")
                    #expect(read == resident.documents)
                    #expect(read == (try Self.decoder.decode([IdentityDocument].self, from: Data(text.utf8))))
                    documents += 1
                }
                if let text = CompactJSON.links(resident.children) {
                    #expect(CompactJSONReader.links(text) == resident.children)
                    links += 1
                }
                for link in [resident.father, resident.mother, resident.spouse].compactMap({ $0 }) {
                    #expect(CompactJSONReader.link(try #require(CompactJSON.link(link))) == link)
                    links += 1
                }
            }
        }
        // The population has both kinds of parts, so the comparisons above ran.
        #expect(documents > 500 && links > 500)
    }

    @Test func spacesBetweenTokensAreRead() throws {
        let text = #" [ { "name" : "Lê Văn Tư" , "nationality":"Việt Nam", "pin": "038060001111" } ] "#
        let read = try #require(CompactJSONReader.links(text))
        #expect(read == (try Self.decoder.decode([PersonLink].self, from: Data(text.utf8))))
        #expect(read.first?.pin?.digits == "038060001111")
        #expect(CompactJSONReader.links("[]") == [])
    }

    @Test(arguments: [
        #"{"name":"A \"B\"","nationality":"Việt Nam"}"#,        // an escape
        #"{"name":"A","nationality":"Việt Nam","age":"3"}"#,     // an unknown key
        #"{"name":"A","nationality":"Việt Nam","name":"B"}"#,    // a repeated key
        #"{"name":"A","nationality":null}"#,                     // null
        #"{"name":"A","nationality":1}"#,                        // a number
        #"{"name":"A"}"#,                                        // a missing key
        #"{"name":"A","nationality":"Việt Nam","pin":"123"}"#,   // a PIN its type refuses
        #"{"name":"A","nationality":"Việt Nam"} x"#,             // text after the value
        #"{"name":"A","nationality":"Việt Nam""#,                // unfinished
    ])
    func anythingElseIsLeftToTheDecoder(text: String) {
        #expect(CompactJSONReader.link(text) == nil)
    }

    @Test func documentsOutsideThePlainFormAreLeftToTheDecoder() {
        #expect(CompactJSONReader.documents(#"[{"issued_by":"X","issued_on":"2018-02-30","kind":"cmnd12","number":"1"}]"#) == nil)
        #expect(CompactJSONReader.documents(#"[{"issued_by":"X","issued_on":"2018-02-01","kind":"passport","number":"1"}]"#) == nil)
        #expect(CompactJSONReader.documents(#"[{"issued_by":"X","issued_on":"2018-02-01","kind":"cmnd12","number":"1"},]"#) == nil)
        #expect(CompactJSONReader.documents(#"[{"issued_by":"X","issued_on":"2018-02-01","kind":"cmnd12","number":"1"}]"#)?.first?.kind == .cmnd12)
    }
}

/// Reads back the nested parts of a record in the form `CompactJSON` writes them: an object, or an array
/// of objects, whose values are plain strings. Anything outside that form (numbers, null, nesting,
/// escapes, an unknown or repeated key, a value its type refuses) gives nil, and the caller decodes with
/// `JSONDecoder`, which then gives the same value or the proper error. So this is only ever a shortcut.
///
/// Hand-written because `JSONDecoder` took about 40 % of an import's parsing, and a large share of
/// reading a page of search results, on these objects of two to five short strings.
public enum CompactJSONReader {
    public static func documents(_ text: String) -> [IdentityDocument]? {
        objects(in: text)?.mapAll(document)
    }

    public static func links(_ text: String) -> [PersonLink]? {
        objects(in: text)?.mapAll(link)
    }

    public static func link(_ text: String) -> PersonLink? {
        var text = text
        return text.withUTF8 { bytes in
            var scanner = Scanner(bytes: bytes)
            guard let fields = scanner.object(), scanner.atEnd else { return nil }
            return link(fields)
        }
    }

    /// `[{...},...]` as lists of (key, value).
    static func objects(in text: String) -> [[(String, String)]]? {
        var text = text
        return text.withUTF8 { bytes in
            var scanner = Scanner(bytes: bytes)
            guard scanner.eat(UInt8(ascii: "[")) else { return nil }
            var objects: [[(String, String)]] = []
            if scanner.eat(UInt8(ascii: "]")) { return scanner.atEnd ? objects : nil }
            repeat {
                guard let object = scanner.object() else { return nil }
                objects.append(object)
            } while scanner.eat(UInt8(ascii: ","))
            guard scanner.eat(UInt8(ascii: "]")), scanner.atEnd else { return nil }
            return objects
        }
    }

    static func link(_ fields: [(String, String)]) -> PersonLink? {
        var pin: PIN?, name: String?, oldId: String?, nationality: String?
        for (key, value) in fields {
            switch key {
            case "pin":
                guard pin == nil, let parsed = try? PIN(value, bornAbroad: true) else { return nil }
                pin = parsed
            case "name": guard set(&name, value) else { return nil }
            case "old_id_number": guard set(&oldId, value) else { return nil }
            case "nationality": guard set(&nationality, value) else { return nil }
            default: return nil
            }
        }
        guard let name, let nationality else { return nil }
        return PersonLink(pin: pin, name: name, oldIdNumber: oldId, nationality: nationality)
    }

    static func document(_ fields: [(String, String)]) -> IdentityDocument? {
        var kind: IdentityDocument.Kind?, number: String?, issuedBy: String?
        var issuedOn: LocalDate?, expiresOn: LocalDate?
        for (key, value) in fields {
            switch key {
            case "kind":
                guard kind == nil, let parsed = IdentityDocument.Kind(rawValue: value) else { return nil }
                kind = parsed
            case "number": guard set(&number, value) else { return nil }
            case "issued_by": guard set(&issuedBy, value) else { return nil }
            case "issued_on":
                guard issuedOn == nil, let date = try? LocalDate(iso: value) else { return nil }
                issuedOn = date
            case "expires_on":
                guard expiresOn == nil, let date = try? LocalDate(iso: value) else { return nil }
                expiresOn = date
            default: return nil
            }
        }
        guard let kind, let number, let issuedOn, let issuedBy else { return nil }
        return IdentityDocument(kind: kind, number: number, issuedOn: issuedOn, issuedBy: issuedBy, expiresOn: expiresOn)
    }

    /// Sets a key's value once; a repeated key is left to `JSONDecoder`.
    private static func set(_ slot: inout String?, _ value: String) -> Bool {
        guard slot == nil else { return false }
        slot = value
        return true
    }

    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        var atEnd: Bool {
            mutating get {
                skipSpace()
                return index == bytes.count
            }
        }

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func eat(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// A string without escapes or control characters.
        mutating func string() -> String? {
            guard eat(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    defer { index += 1 }
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                index += 1
            }
            return nil
        }

        /// `{"key":"value",...}` in the order written.
        mutating func object() -> [(String, String)]? {
            guard eat(UInt8(ascii: "{")) else { return nil }
            var fields: [(String, String)] = []
            if eat(UInt8(ascii: "}")) { return fields }
            repeat {
                guard let key = string(), eat(UInt8(ascii: ":")), let value = string() else { return nil }
                fields.append((key, value))
            } while eat(UInt8(ascii: ","))
            return eat(UInt8(ascii: "}")) ? fields : nil
        }
    }
}

extension Array {
    /// Every element transformed, or nil as soon as one gives nil.
    func mapAll<T>(_ transform: (Element) -> T?) -> [T]? {
        var result: [T] = []
        result.reserveCapacity(count)
        for element in self {
            guard let value = transform(element) else { return nil }
            result.append(value)
        }
        return result
    }
}

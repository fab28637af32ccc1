/// Writes the nested parts of a record (links, documents, name lists) as the same JSON that
/// `RecordJSON.encode` produces (sorted keys, nil left out), without going through `JSONEncoder`:
/// seeding millions of records spent most of its time in the generic encoder.
public enum CompactJSON {
    public static func link(_ link: PersonLink?) -> String? {
        guard let link else { return nil }
        var out = ""
        write(link, into: &out)
        return out
    }

    public static func links(_ links: [PersonLink]) -> String? {
        array(links) { link, out in write(link, into: &out) }
    }

    public static func documents(_ documents: [IdentityDocument]) -> String? {
        array(documents) { d, out in
            out += "{"
            if let expires = d.expiresOn { out += "\"expires_on\":\"\(expires)\"," }
            out += "\"issued_by\":"
            string(d.issuedBy, into: &out)
            out += ",\"issued_on\":\"\(d.issuedOn)\",\"kind\":\"\(d.kind.rawValue)\",\"number\":"
            string(d.number, into: &out)
            out += "}"
        }
    }

    public static func strings(_ list: [String]) -> String? {
        array(list) { item, out in string(item, into: &out) }
    }

    /// `[a,b,...]`, or nil for an empty list (the storage form leaves empty lists out).
    static func array<T>(_ items: [T], _ write: (T, inout String) -> Void) -> String? {
        guard !items.isEmpty else { return nil }
        var out = "["
        for (index, item) in items.enumerated() {
            if index > 0 { out += "," }
            write(item, &out)
        }
        return out + "]"
    }

    static func write(_ link: PersonLink, into out: inout String) {
        out += "{\"name\":"
        string(link.name, into: &out)
        out += ",\"nationality\":"
        string(link.nationality, into: &out)
        if let old = link.oldIdNumber {
            out += ",\"old_id_number\":"
            string(old, into: &out)
        }
        if let pin = link.pin { out += ",\"pin\":\"\(pin.digits)\"" }
        out += "}"
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, the rest as UTF-8.
    public static func string(_ text: String, into out: inout String) {
        out += "\""
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out += text
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{08}": out += "\\b"
                case "\u{0C}": out += "\\f"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

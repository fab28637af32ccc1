/// Sex as recorded in the register and encoded in the PIN's century digit.
public enum Sex: String, Codable, Sendable, CaseIterable {
    case male
    case female

    /// The word printed on cards and in the QR code.
    public var vietnamese: String { self == .male ? "Nam" : "Nữ" }

    public init?(vietnameseOrCode text: String) {
        switch VietnameseText.fold(text) {
        case "male", "m", "nam": self = .male
        case "female", "f", "nu": self = .female
        default: return nil
        }
    }
}

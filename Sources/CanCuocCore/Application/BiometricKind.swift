/// One image captured at intake: the face photo, each of the ten fingers (ISO/IEC 19794-4 finger positions:
/// 1 right thumb … 5 right little, 6 left thumb … 10 left little), each iris and the signature.
public enum BiometricKind: String, CaseIterable, Sendable, Codable, Hashable {
    case face
    case finger01 = "finger-01", finger02 = "finger-02", finger03 = "finger-03", finger04 = "finger-04", finger05 = "finger-05"
    case finger06 = "finger-06", finger07 = "finger-07", finger08 = "finger-08", finger09 = "finger-09", finger10 = "finger-10"
    case irisRight = "iris-right", irisLeft = "iris-left"
    case signature

    public static let fingers: [BiometricKind] = [.finger01, .finger02, .finger03, .finger04, .finger05, .finger06, .finger07, .finger08, .finger09, .finger10]

    /// A finger or an iris may be declared impossible to capture (amputation, injury); the face and the
    /// signature may not (a citizen who cannot sign has the representative sign).
    public var mayBeUnavailable: Bool { self != .face && self != .signature }

    public var vietnamese: String {
        switch self {
        case .face: "Ảnh chân dung"
        case .finger01: "Ngón cái phải"
        case .finger02: "Ngón trỏ phải"
        case .finger03: "Ngón giữa phải"
        case .finger04: "Ngón nhẫn phải"
        case .finger05: "Ngón út phải"
        case .finger06: "Ngón cái trái"
        case .finger07: "Ngón trỏ trái"
        case .finger08: "Ngón giữa trái"
        case .finger09: "Ngón nhẫn trái"
        case .finger10: "Ngón út trái"
        case .irisRight: "Mống mắt phải"
        case .irisLeft: "Mống mắt trái"
        case .signature: "Chữ ký"
        }
    }

    /// What an application must have captured before it leaves the desk: the card law's biometrics by age
    /// (none under 6 under the 2023 law; face and ten fingers; both irises under the 2023 law) and, from 14,
    /// the citizen's signature.
    public static func required(law: CardLaw, age: Int) -> [BiometricKind] {
        var kinds: [BiometricKind] = []
        for biometric in CardEligibility.biometrics(law: law, age: age) {
            switch biometric {
            case .face: kinds.append(.face)
            case .fingerprints: kinds += fingers
            case .iris: kinds += [.irisRight, .irisLeft]
            }
        }
        if age >= CardEligibility.mandatoryAge { kinds.append(.signature) }
        return kinds
    }
}

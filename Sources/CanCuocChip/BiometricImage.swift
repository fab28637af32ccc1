import CanCuocCore

/// A captured image checked before it is stored: the format each kind accepts, the size in bytes and pixels.
/// The face photo is the card's portrait (DG2): a JPEG, portrait-oriented, at least 240 × 320 pixels, at most
/// 500 KB. Fingerprints, irises and the signature come from capture devices as JPEG or PNG.
public struct BiometricImage: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable {
        case jpeg, png
    }

    public let kind: BiometricKind
    public let format: Format
    public let width: Int
    public let height: Int
    public let bytes: [UInt8]

    public static func maximumBytes(for kind: BiometricKind) -> Int { kind == .signature ? 200 * 1024 : 500 * 1024 }

    public static func minimumSize(for kind: BiometricKind) -> PixelSize {
        switch kind {
        case .face: PixelSize(width: 240, height: 320)
        case .signature: PixelSize(width: 100, height: 40)
        case .irisRight, .irisLeft: PixelSize(width: 320, height: 240)
        default: PixelSize(width: 200, height: 200)
        }
    }

    public init(kind: BiometricKind, bytes: [UInt8]) throws(BiometricImageError) {
        guard !bytes.isEmpty else { throw .empty(kind) }
        let limit = Self.maximumBytes(for: kind)
        guard bytes.count <= limit else { throw .tooLarge(kind, bytes: bytes.count, limit: limit) }
        let format: Format, width: Int, height: Int
        if bytes.count > 2, bytes[0] == 0xFF, bytes[1] == 0xD8 {
            do {
                let info = try JPEGInfo(bytes)
                (format, width, height) = (.jpeg, info.width, info.height)
            } catch {
                throw .unreadable(kind, error.description)
            }
        } else if let png = PNGSize(bytes) {
            guard kind != .face else { throw .wrongFormat(kind, expected: "JPEG") }
            (format, width, height) = (.png, png.width, png.height)
        } else {
            throw .wrongFormat(kind, expected: kind == .face ? "JPEG" : "JPEG or PNG")
        }
        if kind == .face, width > height { throw .notPortrait(width: width, height: height) }
        let minimum = Self.minimumSize(for: kind)
        guard width >= minimum.width, height >= minimum.height, width <= 6000, height <= 6000 else {
            throw .wrongSize(kind, width: width, height: height, minimum: minimum)
        }
        self.kind = kind
        self.format = format
        self.width = width
        self.height = height
        self.bytes = bytes
    }
}

public struct PixelSize: Hashable, Sendable {
    public let width: Int
    public let height: Int
}

/// The size in a PNG's IHDR chunk. Hand-written: eight signature bytes and two big-endian numbers; the stack
/// has no image library and nothing else of the PNG is needed.
struct PNGSize {
    let width: Int
    let height: Int

    init?(_ bytes: [UInt8]) {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard bytes.count >= 24, Array(bytes[0..<8]) == signature, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
        func number(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        width = number(16)
        height = number(20)
        guard width > 0, height > 0 else { return nil }
    }
}

public enum BiometricImageError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty(BiometricKind)
    case tooLarge(BiometricKind, bytes: Int, limit: Int)
    case wrongFormat(BiometricKind, expected: String)
    case unreadable(BiometricKind, String)
    case wrongSize(BiometricKind, width: Int, height: Int, minimum: PixelSize)
    case notPortrait(width: Int, height: Int)

    public var description: String {
        switch self {
        case .empty(let kind): "the \(kind.rawValue) image is empty"
        case let .tooLarge(kind, bytes, limit): "the \(kind.rawValue) image has \(bytes / 1024) KB; at most \(limit / 1024) KB"
        case let .wrongFormat(kind, expected): "the \(kind.rawValue) image must be \(expected)"
        case let .unreadable(kind, reason): "the \(kind.rawValue) image cannot be read: \(reason)"
        case let .wrongSize(kind, width, height, minimum):
            "the \(kind.rawValue) image is \(width) × \(height) pixels; it must be at least \(minimum.width) × \(minimum.height) (and at most 6000 × 6000)"
        case let .notPortrait(width, height): "the face photo is \(width) × \(height) pixels: it must be upright (portrait), not wider than high"
        }
    }
}

/// The size of a JPEG image, read from its frame header (SOFn).
///
/// Hand-written rather than a library: the project's stack has no image library, and DG2 only needs to
/// know that the bytes are a baseline or progressive JPEG and how large it is.
public struct JPEGInfo: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public let components: Int

    public init(_ bytes: [UInt8]) throws(JPEGError) {
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { throw .notJPEG }
        var i = 2
        while i + 4 <= bytes.count {
            guard bytes[i] == 0xFF else { throw .corrupt(offset: i) }
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }  // fill byte
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { i += 2; continue }
            if marker == 0xD9 || marker == 0xDA { break }  // end of image / start of scan before any frame header
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            guard length >= 2, i + 2 + length <= bytes.count else { throw .corrupt(offset: i) }
            let isFrame = (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker)
            if isFrame {
                guard length >= 8 else { throw .corrupt(offset: i) }
                height = Int(bytes[i + 5]) << 8 | Int(bytes[i + 6])
                width = Int(bytes[i + 7]) << 8 | Int(bytes[i + 8])
                components = Int(bytes[i + 9])
                guard width > 0, height > 0 else { throw .corrupt(offset: i) }
                return
            }
            i += 2 + length
        }
        throw .noFrameHeader
    }
}

public enum JPEGError: Error, Equatable, Sendable, CustomStringConvertible {
    case notJPEG
    case corrupt(offset: Int)
    case noFrameHeader

    public var description: String {
        switch self {
        case .notJPEG: "the face image is not a JPEG (it must start with FF D8)"
        case .corrupt(let offset): "the JPEG is damaged at byte \(offset)"
        case .noFrameHeader: "the JPEG has no frame header (image size unknown)"
        }
    }
}
